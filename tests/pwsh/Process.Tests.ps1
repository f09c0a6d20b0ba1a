# The process behind the pipeline: one s3presign per pipeline, results streamed while input still
# flows, no deadlock on large volumes, what goes down the pipe, and no process left behind.
# The wrappers are bash scripts, so these tests run where bash does (Linux, macOS).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    function Wait-ProcessGone([int]$Id) {
        # Kill and exit are asynchronous; give the process a few seconds to disappear.
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        while ([datetime]::UtcNow -lt $deadline) {
            if (-not (Get-Process -Id $Id -ErrorAction Ignore)) { return $true }
            Start-Sleep -Milliseconds 50
        }
        $false
    }
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'One s3presign per pipeline' -Skip:$IsWindows {
    BeforeEach {
        $null = Reset-TestAws
        # `exec` keeps the PID, so the recorded PID is that of s3presign itself.
        $counter = Join-Path $TestDrive "starts-$([guid]::NewGuid()).txt"
        $env:S3PRESIGN_BIN = New-TestWrapper 'counting.sh' "echo `$`$ >> '$counter'; exec `"`$REAL`" `"`$@`""
    }

    It 'signs 1,000 piped objects with exactly one process' {
        $results = 1..1000 | ForEach-Object { [pscustomobject]@{ BucketName = $Bucket; Key = "logs/$_.txt" } } | Get-S3PreSignedURL -Detailed -ExpiresIn 1d
        $results.Count | Should -Be 1000
        $results[0].Key | Should -Be 'logs/1.txt'
        $results[999].Key | Should -Be 'logs/1000.txt'
        @(Get-Content $counter).Count | Should -Be 1
    }

    It 'signs 1,000 keys given to -Key with exactly one process' {
        $urls = Get-S3PreSignedURL -Bucket $Bucket -Key (1..1000 | ForEach-Object { "k$_" }) -AsString
        $urls.Count | Should -Be 1000
        @(Get-Content $counter).Count | Should -Be 1
    }

    It 'keeps one process when some items fail' {
        $items = 1..200 | ForEach-Object {
            [pscustomobject]@{ Bucket = $(if ($_ % 50 -eq 0) { 'Bad_Bucket!' } else { $Bucket }); Key = "k$_" }
        }
        $results = $items | Get-S3PreSignedURL -Detailed -ErrorVariable failures -ErrorAction SilentlyContinue
        $results.Count | Should -Be 196
        $failures.Count | Should -Be 4
        $failures.TargetObject.Key | Should -Be @('k50', 'k100', 'k150', 'k200')
        @(Get-Content $counter).Count | Should -Be 1
    }

    It 'starts a new process for each pipeline' {
        $null = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key a
        $null = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key b
        @(Get-Content $counter).Count | Should -Be 2
    }

    It 'starts no process for an empty pipeline' {
        $results = @() | Get-S3PreSignedURL -Detailed -Bucket $Bucket -ErrorVariable failures
        $results | Should -BeNullOrEmpty
        $failures.Count | Should -Be 0
        Test-Path -LiteralPath $counter | Should -Be $false -Because 'nothing to sign starts no s3presign'
        $null = Get-S3PreSignedURL -Bucket $Bucket -Key k
        @(Get-Content $counter).Count | Should -Be 1 -Because 'the counting wrapper does count a run'
    }

    It 'leaves no process behind when a downstream Select-Object -First stops the pipeline' {
        $results = 1..1000 | ForEach-Object { "k$_" } | Get-S3PreSignedURL -Detailed -Bucket $Bucket | Select-Object -First 2
        $results.Count | Should -Be 2
        $id = [int](Get-Content $counter | Select-Object -First 1)
        Wait-ProcessGone $id | Should -Be $true
    }

    It 'leaves no process behind when -ErrorAction Stop ends the pipeline' {
        $items = 1..500 | ForEach-Object { [pscustomobject]@{ Bucket = $(if ($_ -eq 3) { 'Bad_Bucket!' } else { $Bucket }); Key = "k$_" } }
        { $items | Get-S3PreSignedURL -Detailed -ErrorAction Stop } | Should -Throw -ErrorId 'invalid_bucket,Get-S3PreSignedURL'
        $id = [int](Get-Content $counter | Select-Object -First 1)
        Wait-ProcessGone $id | Should -Be $true
    }
}

Describe 'Stopping' -Skip:$IsWindows {
    BeforeEach { $null = Reset-TestAws }

    It 'stops waiting and ends s3presign when the pipeline is stopped (Ctrl+C)' {
        # A stand-in that never answers: the module fills its request window, then waits for results.
        $pidFile = Join-Path $TestDrive 'silent.pid'
        $env:S3PRESIGN_BIN = New-TestWrapper 'silent.sh' "echo `$`$ > '$pidFile'; exec sleep 600"
        $job = Start-ThreadJob -ArgumentList $ModuleManifest, $Bucket -ScriptBlock {
            param($manifest, $bucket)
            Import-Module $manifest
            1..100000 | ForEach-Object { "k$_" } | Get-S3PreSignedURL -Detailed -Bucket $bucket
        }
        try {
            $deadline = [datetime]::UtcNow.AddSeconds(30)
            while (-not (Test-Path $pidFile) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Start-Sleep -Seconds 1
            $job.State | Should -Be 'Running' -Because 'the module waits for answers that do not come'

            Stop-Job $job   # what Ctrl+C does to a pipeline
            $job.State | Should -Be 'Stopped'
            Wait-ProcessGone ([int](Get-Content $pidFile)) | Should -Be $true
        } finally {
            Remove-Job $job -Force
        }
    }
}

Describe 'Streaming' -Skip:$IsWindows {
    BeforeEach { $null = Reset-TestAws }

    It 'emits results while the input is still coming' {
        # Event-driven: the source sends the next key only once s3presign has answered the previous one
        # (the wrapper copies each answer to $answers), so the test asserts order, never speed.
        $answers = Join-Path $TestDrive 'answers.txt'
        $env:S3PRESIGN_BIN = New-TestWrapper 'tee.sh' "`"`$REAL`" `"`$@`" | tee -a '$answers'"
        $log = [System.Collections.Generic.List[string]]::new()
        & {
            foreach ($i in 1..4) {
                $log.Add("in $i")
                "k$i"
                $deadline = [datetime]::UtcNow.AddSeconds(60)   # a hang guard, not a timing assertion
                while (-not (Test-Path $answers) -or @(Get-Content $answers).Count -lt $i) {
                    if ([datetime]::UtcNow -gt $deadline) { throw "s3presign did not answer key $i within 60 s" }
                    Start-Sleep -Milliseconds 20
                }
            }
        } | Get-S3PreSignedURL -Detailed -Bucket $Bucket | ForEach-Object { $log.Add("out $($_.Key)") }

        $log.Where({ $_ -like 'out *' }).Count | Should -Be 4
        # A result is emitted on a later call (the module never blocks for it): k1's by the time k4 goes in.
        $log.IndexOf('out k1') | Should -BeLessThan $log.IndexOf('in 4') -Because 'the first URL is not held back until the end'
    }

    It 'signs <Count> keys of <Name> without deadlock' -ForEach @(
        # ~1 KB requests and ~2.5 KB results overflow every pipe buffer many times over.
        @{ Name = '1,000 ASCII characters'; Count = 5000; Text = 'x' * 1000 }
        # 250 emoji: a request escapes each as 12 bytes, a result holds 4 raw bytes plus 12
        # URL-encoded ones, so results are barely larger than requests. Output that s3presign held
        # back (not flushed) would never reach the module, which would wait for it forever.
        @{ Name = '250 emoji'; Count = 500; Text = [char]::ConvertFromUtf32(0x1F600) * 250 }
    ) {
        # In a thread job, so that a hang fails the test instead of stopping the run.
        $job = Start-ThreadJob -ArgumentList $ModuleManifest, $Bucket, $Count, $Text -ScriptBlock {
            param($manifest, $bucket, $count, $text)
            Import-Module $manifest
            $received = 0
            1..$count | ForEach-Object { "$text/$_" } | Get-S3PreSignedURL -Bucket $bucket -AsString | ForEach-Object { $received++ }
            $received
        }
        try {
            Wait-Job $job -Timeout 60 | Should -Not -BeNullOrEmpty -Because 'the pipeline must not hang'
            Receive-Job $job -ErrorAction Stop | Should -Be $Count
        } finally {
            Remove-Job $job -Force
        }
    }
}

Describe 'Other runspaces' {
    BeforeEach { $null = Reset-TestAws }

    It 'works in a thread job while the runspace that imported the module waits for it' {
        # PowerShell class methods run in the runspace that defined the class unless the class has
        # [NoRunspaceAffinity()]: without it, this job would wait for this (blocked) runspace forever.
        $null = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key warm-up
        $job = Start-ThreadJob -ArgumentList $ModuleManifest, $Bucket -ScriptBlock {
            param($manifest, $bucket)
            Import-Module $manifest
            @(1..50 | ForEach-Object { "k$_" } | Get-S3PreSignedURL -Bucket $bucket -AsString).Count
        }
        try {
            Wait-Job $job -Timeout 60 | Should -Not -BeNullOrEmpty -Because 'the job must not hang'
            Receive-Job $job -ErrorAction Stop | Should -Be 50
        } finally {
            Remove-Job $job -Force
        }
    }

    It 'works in ForEach-Object -Parallel' {
        $manifest = $ModuleManifest
        $bucket = $Bucket
        $urls = 1..6 | ForEach-Object -ThrottleLimit 3 -Parallel {
            Import-Module $using:manifest
            Get-S3PreSignedURL -Bucket $using:bucket -Key "parallel-$_" -AsString
        }
        $urls.Count | Should -Be 6
        $urls | Should -Match 'X-Amz-Signature='
    }
}

Describe 'What the module writes to s3presign' -Skip:$IsWindows {
    BeforeEach {
        $null = Reset-TestAws
        $stdinCopy = Join-Path $TestDrive 'stdin.jsonl'
        $argsFile = Join-Path $TestDrive 'args.txt'
        $env:S3PRESIGN_BIN = New-TestWrapper 'tee.sh' "printf '%s\n' `"`$@`" > '$argsFile'; tee '$stdinCopy' | `"`$REAL`" `"`$@`""
    }

    It 'writes one JSON request per line, UTF-8 without BOM, with protocol 1' {
        $objects = @(
            [pscustomobject]@{ Bucket = $Bucket; Key = 'plain.txt' }
            [pscustomobject]@{ Bucket = $Bucket; Key = "übersicht ""quoted"" \ back`ttab.txt"; VersionId = 'v1' }
        )
        $results = $objects | Get-S3PreSignedURL -Detailed
        $results[1].Key | Should -Be $objects[1].Key

        $bytes = [System.IO.File]::ReadAllBytes($stdinCopy)
        $bytes[0] | Should -Be ([byte][char]'{') -Because 'no byte order mark'
        $lines = [System.Text.Encoding]::UTF8.GetString($bytes).TrimEnd("`n").Split("`n")
        $lines.Count | Should -Be 2
        $first = $lines[0] | ConvertFrom-Json
        $first.key | Should -Be 'plain.txt'
        $first.bucket | Should -Be $Bucket
        $second = $lines[1] | ConvertFrom-Json
        $second.key | Should -Be $objects[1].Key
        $second.version_id | Should -Be 'v1'

        $arguments = Get-Content $argsFile
        $arguments[0] | Should -Be 'batch'
        ($arguments -join ' ') | Should -Match '--protocol 1'
    }

    It 'passes the run-wide options as flags' {
        $start = [datetime]::new(2030, 1, 2, 3, 4, 5, [DateTimeKind]::Utc)
        $null = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -Verb PUT -ContentType 'text/plain' -StartTime $start -ExpiresIn 2h `
            -Region eu-west-1 -EndpointUrl 'http://127.0.0.1:9' -ForcePathStyle -Protocol HTTP -StrictExpiry
        $arguments = (Get-Content $argsFile) -join ' '
        $arguments | Should -Match '--verb=PUT'
        $arguments | Should -Match '--content-type=text/plain'
        $arguments | Should -Match '--start-time=2030-01-02T03:04:05Z'
        $arguments | Should -Match '--expires-in=2h'
        $arguments | Should -Match '--region=eu-west-1'
        $arguments | Should -Match '--endpoint-url=http://127.0.0.1:9'
        $arguments | Should -Match '--path-style'
        $arguments | Should -Match '--http'
        $arguments | Should -Match '--strict-expiry'
    }

    It 'sends -Expires as RFC 3339 UTC to the second' {
        $when = [datetime]::new(2030, 6, 1, 12, 30, 45, 678, [DateTimeKind]::Utc)
        $null = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -Expires $when -StartTime $when.AddDays(-1) 
        ((Get-Content $argsFile) -join ' ') | Should -Match '--expires=2030-06-01T12:30:45Z'
    }
}

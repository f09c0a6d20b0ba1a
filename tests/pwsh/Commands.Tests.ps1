# The ready-to-run commands on Get-S3PreSignedURL -Detailed's results (Curl, InvokeWebRequest): there when a request
# needs signed headers, out of the default table, and, run as given against the S3 test server (see
# tests/pester.rs), an upload that S3 accepts and stores with those headers.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'Curl and InvokeWebRequest' {
    BeforeEach { $null = Reset-TestAws }

    It 'gives both commands for a PUT with signed headers: the URL, each header, and LOCAL_FILE' {
        $put = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key in/a.csv -Verb PUT -ContentType text/csv -Metadata @{ owner = 'ops' }
        $put.Curl | Should -BeLike 'curl *'
        $put.Curl | Should -BeLike "*'$($put.Url)'*"
        $put.Curl | Should -BeLike "*-H 'Content-Type: text/csv'*"
        $put.Curl | Should -BeLike "*-H 'x-amz-meta-owner: ops'*"
        $put.Curl | Should -BeLike '*LOCAL_FILE*'
        $put.InvokeWebRequest | Should -BeLike 'Invoke-WebRequest -Method Put *'
        $put.InvokeWebRequest | Should -BeLike "*-Uri '$($put.Url)'*"
        $put.InvokeWebRequest | Should -BeLike "*'x-amz-meta-owner' = 'ops'*"
        $put.InvokeWebRequest | Should -BeLike '*-InFile LOCAL_FILE*'
    }

    It 'leaves them empty when no header needs sending' {
        $get = @(Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key in/a.csv -ErrorVariable failed)
        $get.Count | Should -Be 1
        $get[0].Url | Should -Match 'X-Amz-Signature='
        $get.Curl | Should -BeNullOrEmpty
        $get.InvokeWebRequest | Should -BeNullOrEmpty
        $put = @(Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key in/a.csv -Verb PUT -ErrorVariable +failed)
        $put.Count | Should -Be 1
        $put[0].Verb | Should -Be 'PUT'
        $failed | Should -BeNullOrEmpty
        $put.Curl | Should -BeNullOrEmpty
        $put.InvokeWebRequest | Should -BeNullOrEmpty
    }

    It 'keeps them out of the default table, but in Format-List, Export-Csv and ConvertTo-Json' {
        $put = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key in/a.csv -Verb PUT -ContentType text/csv
        $table = $put | Format-Table | Out-String -Width 1000
        $table | Should -Not -Match 'Invoke-WebRequest'
        $table | Should -Not -Match 'curl '
        $table | Should -Match 'https://'
        ($put | Format-List * | Out-String -Width 1000) | Should -Match 'InvokeWebRequest\s+: Invoke-WebRequest'
        $csv = Join-Path $TestDrive 'commands.csv'
        $put | Export-Csv -LiteralPath $csv
        (Import-Csv -LiteralPath $csv).InvokeWebRequest | Should -Be $put.InvokeWebRequest
        ($put | ConvertTo-Json | ConvertFrom-Json).Curl | Should -Be $put.Curl
    }
}

Describe 'The InvokeWebRequest command against an S3 test server' {
    BeforeAll {
        $s3 = Get-TestServer

        function Invoke-Suggestion([string]$Command, [string]$Path) {
            # Runs a suggested command as its user would: with the file's path in place of LOCAL_FILE.
            $Command | Should -BeLike '*LOCAL_FILE*'
            Invoke-Expression $Command.Replace('LOCAL_FILE', "'$($Path.Replace("'", "''"))'")
        }

        function Get-Head([string]$Key) {
            # The stored object's headers, through a signed HEAD.
            $head = Get-S3PreSignedURL -Detailed -Bucket $s3.Bucket -Key $Key -Verb HEAD @parameters
            Invoke-WebRequest -Method Head -Uri $head.Url -NoProxy -SkipHttpErrorCheck -TimeoutSec 30
        }
    }

    BeforeEach {
        if ($s3.SkipReason) { Set-ItResult -Skipped -Because $s3.SkipReason }
        $null = Reset-TestAws
        $parameters = $s3.Parameters
    }

    It 'uploads with the signed Content-Type and metadata, and S3 stores the file with them' {
        $key = "commands/iwr-$([guid]::NewGuid()).csv"
        $path = Join-Path $TestDrive "it's a file.csv"
        $bytes = New-TestBytes -Size 3000 -Seed 21
        [System.IO.File]::WriteAllBytes($path, $bytes)
        $put = Get-S3PreSignedURL -Detailed -Bucket $s3.Bucket -Key $key -Verb PUT -ContentType text/csv -Metadata ([ordered]@{ owner = 'ops'; team = 'blue' }) @parameters
        $put.Headers | Should -Match 'x-amz-meta-team: blue'

        $response = Invoke-Suggestion $put.InvokeWebRequest $path
        [int]$response.StatusCode | Should -Be 200

        [System.Linq.Enumerable]::SequenceEqual((Get-StoredObject $s3 $key), $bytes) | Should -Be $true -Because 'the object has the file''s bytes'
        $head = Get-Head $key
        [int]$head.StatusCode | Should -Be 200
        "$($head.Headers['Content-Type'])" | Should -Be 'text/csv'
        "$($head.Headers['x-amz-meta-owner'])" | Should -Be 'ops'
        "$($head.Headers['x-amz-meta-team'])" | Should -Be 'blue'
    }

    It 'is needed: the same URL without the signed headers is refused, and nothing is stored' {
        $key = "commands/bare-$([guid]::NewGuid()).csv"
        $path = Join-Path $TestDrive 'bare.csv'
        [System.IO.File]::WriteAllBytes($path, (New-TestBytes -Size 100 -Seed 22))
        $put = Get-S3PreSignedURL -Detailed -Bucket $s3.Bucket -Key $key -Verb PUT -ContentType text/csv -Metadata @{ owner = 'ops' } @parameters
        $bare = Invoke-WebRequest -Method Put -Uri $put.Url -InFile $path -ContentType text/csv -NoProxy -SkipHttpErrorCheck -TimeoutSec 30
        [int]$bare.StatusCode | Should -Be 403 -Because 'x-amz-meta-owner is signed but was not sent'
        Get-StoredObject $s3 $key | Should -BeNullOrEmpty
    }
}

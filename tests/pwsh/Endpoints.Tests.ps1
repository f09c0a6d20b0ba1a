# The endpoint matrix through the module: every case of tests/endpoints/matrix.tsv that botocore and
# s3presign sign alike (tests/endpoints.rs), and whose flags all have a Get-S3PreSignedURL parameter, is
# signed again by the cmdlet with the same environment, config and credentials files (every third such
# case, to keep the suite quick). Its URL must be the program's, character for character. Also: the no-region fallback warns once per pipeline.

BeforeDiscovery {
    # One table maps the program's flags to the cmdlet's parameters; cases with any other flag are not
    # the module's to test.
    $script:FlagParameter = @{
        '--region' = 'Region'; '--endpoint-url' = 'EndpointUrl'; '--profile' = 'ProfileName'
        '--path-style' = 'ForcePathStyle'; '--accelerate' = 'UseAccelerateEndpoint'
        '--dualstack' = 'UseDualstackEndpoint'; '--http' = 'Protocol'
    }
    $matrix = Join-Path $PSScriptRoot '..' 'endpoints' 'matrix.tsv'
    # Every third eligible case: each one starts two processes, and the Rust test covers them all.
    $eligible = 0
    $script:Cases = foreach ($row in [System.IO.File]::ReadAllLines($matrix)) {
        if ($row.StartsWith('#') -or -not $row.Trim()) { continue }
        $cell = $row.Split("`t")
        if ($cell[6] -ne 'same') { continue }
        [string[]]$flags = if ($cell[1] -eq '-') { @() } else { $cell[1].Split(' ') }
        if (@($flags | Where-Object { $_.StartsWith('--') -and -not $FlagParameter.ContainsKey($_) }).Count) { continue }
        if ($eligible++ % 3) { continue }
        @{ Name = $cell[0]; Flags = $flags; Env = $cell[2]; Config = $cell[3]; Bucket = $cell[4]; Key = $cell[5] }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $SavedHome = $env:HOME
    $SignedAt = [datetime]::new(2025, 6, 1, 12, 34, 56, [System.DateTimeKind]::Utc)
    $FlagParameter = @{
        '--region' = 'Region'; '--endpoint-url' = 'EndpointUrl'; '--profile' = 'ProfileName'
        '--path-style' = 'ForcePathStyle'; '--accelerate' = 'UseAccelerateEndpoint'
        '--dualstack' = 'UseDualstackEndpoint'; '--http' = 'Protocol'
    }

    function Set-CaseEnvironment {
        # The case's own HOME, config and credentials files (profiles default, dev, prod and minio with the
        # example keys, as tests/endpoints.rs writes them), the example keys, and the case's variables.
        param([hashtable]$Case)
        $null = Reset-TestAws
        $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        $null = New-Item -ItemType Directory -Path $dir
        $config = if ($Case.Config -eq '-') { '' } else { $Case.Config.Replace('\n', "`n") }
        [System.IO.File]::WriteAllText((Join-Path $dir 'config'), $config, [System.Text.UTF8Encoding]::new($false))
        Write-TestFile (Join-Path $dir 'credentials') @(foreach ($p in 'default', 'dev', 'prod', 'minio') {
                "[$p]", "aws_access_key_id = $ExampleKeyId", "aws_secret_access_key = $ExampleSecret" })
        $env:HOME = $dir
        $env:AWS_CONFIG_FILE = Join-Path $dir 'config'
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $dir 'credentials'
        $env:AWS_ACCESS_KEY_ID = $ExampleKeyId
        $env:AWS_SECRET_ACCESS_KEY = $ExampleSecret
        if ($Case.Env -ne '-') {
            foreach ($pair in $Case.Env.Split(';')) {
                $name, $value = $pair.Split('=', 2)
                Set-Item -LiteralPath "env:$name" -Value $value
            }
        }
    }
}

AfterAll {
    $env:HOME = $SavedHome
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'The endpoint matrix through Get-S3PreSignedURL' {
    It '<Name> gives the URL s3presign gives' -ForEach $Cases {
        Set-CaseEnvironment $_
        $parameters = @{ BucketName = $Bucket; Key = $Key; StartTime = $SignedAt; ExpiresIn = '1h' }
        for ($i = 0; $i -lt $Flags.Count; $i++) {
            $parameter = $FlagParameter[$Flags[$i]]
            switch ($Flags[$i]) {
                '--http' { $parameters[$parameter] = 'HTTP' }
                { $_ -in '--path-style', '--accelerate', '--dualstack' } { $parameters[$parameter] = [switch]$true }
                default { $i++; $parameters[$parameter] = $Flags[$i] }
            }
        }
        $expected = & $RealBinary url --start-time 2025-06-01T12:34:56Z --expires-in 1h --bucket $Bucket --key $Key @Flags 2>$null
        $LASTEXITCODE | Should -Be 0
        $expected | Should -Match 'X-Amz-Signature='

        $result = @(Get-S3PreSignedURL @parameters -WarningAction SilentlyContinue -ErrorVariable failures)
        $failures | Should -BeNullOrEmpty
        $result.Count | Should -Be 1
        # The URL whether the cmdlet returns a [string] (as AWS.Tools does) or a result object.
        $url = if ($result[0] -is [string]) { $result[0] } else { "$($result[0].Url)" }
        $url | Should -BeExactly $expected
    }
}

Describe 'No region anywhere' {
    It 'signs for us-east-1 and warns once per pipeline, saying how to set a region' {
        $null = Reset-TestAws
        Write-TestFile $env:AWS_CONFIG_FILE @('[default]', 'output = json')
        $urls = @('a', 'b', 'c' | Get-S3PreSignedURL -BucketName $Bucket -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable failures)
        $failures | Should -BeNullOrEmpty
        $urls.Count | Should -Be 3
        foreach ($url in $urls) {
            $text = if ($url -is [string]) { $url } else { "$($url.Url)" }
            $text | Should -Match 'X-Amz-Credential=[^&]*%2Fus-east-1%2Fs3%2F'
        }
        @($warnings).Count | Should -Be 1
        "$($warnings[0])" | Should -Match '-Region'
    }
}

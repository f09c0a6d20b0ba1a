# Which credentials sign: profiles, profile files, explicit keys; and that secrets never leak.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    function Get-KeyId([string]$Url) {
        # The access key id from X-Amz-Credential (KEYID%2FDATE%2FREGION%2Fs3%2Faws4_request).
        ((Get-UrlQuery $Url)['X-Amz-Credential'] -split '%2F')[0]
    }
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'Profiles' {
    BeforeEach { $awsDir = Reset-TestAws }

    It 'signs with the default profile when none is named' {
        Get-KeyId (Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k).Url | Should -Be $ExampleKeyId
    }

    It 'signs with -ProfileName dev, in the region of that profile' {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ProfileName dev
        Get-KeyId $result.Url | Should -Be $DevKeyId
        $result.Url | Should -BeLike "*X-Amz-Credential=$DevKeyId%2F*%2Feu-west-1%2Fs3%2Faws4_request*"
        $result.Region | Should -Be 'eu-west-1'
    }

    It 'accepts the AWS.Tools.S3 alias -<Alias>' -ForEach @(
        @{ Alias = 'Profile' }, @{ Alias = 'StoredCredentials' }, @{ Alias = 'AWSProfileName' }
    ) {
        $arguments = @{ $Alias = 'dev' }
        Get-KeyId (Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k @arguments).Url | Should -Be $DevKeyId
    }

    It 'honours AWS_PROFILE from the environment' {
        $env:AWS_PROFILE = 'dev'
        Get-KeyId (Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k).Url | Should -Be $DevKeyId
    }

    It 'lets -Region override the profile region' {
        (Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ProfileName dev -Region ap-south-1).Region | Should -Be 'ap-south-1'
    }

    It 'stops with unknown_profile, listing the profiles found, for an unknown profile' {
        $caught = $null
        try { 'a', 'b' | Get-S3PreSignedURL -Detailed -Bucket $Bucket -ProfileName nope } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Be 'unknown_profile,Get-S3PreSignedURL'
        $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $caught.Exception.Message | Should -Match "'nope'"
        $caught.Exception.Message | Should -Match 'default'
        $caught.Exception.Message | Should -Match '\bdev\b'
    }

    Context '-ProfileLocation' {
        BeforeEach {
            $otherFile = Join-Path $TestDrive 'other-credentials'
            Write-TestFile $otherFile @(
                '[default]', "aws_access_key_id = $DevKeyId", "aws_secret_access_key = $DevSecret",
                '[alt]', "aws_access_key_id = $DevKeyId", "aws_secret_access_key = $DevSecret")
        }

        It 'reads a named profile from the given credentials file' {
            $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ProfileName alt -ProfileLocation $otherFile -Region eu-central-1
            Get-KeyId $result.Url | Should -Be $DevKeyId
            $result.Region | Should -Be 'eu-central-1'
        }

        It 'reads the default profile from the given credentials file' {
            Get-KeyId (Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ProfileLocation $otherFile).Url | Should -Be $DevKeyId
        }

        It 'resolves a relative path against the current PowerShell location' {
            Push-Location $TestDrive
            try {
                Get-KeyId (Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ProfileName alt -ProfileLocation ./other-credentials -Region eu-central-1).Url |
                    Should -Be $DevKeyId
            } finally {
                Pop-Location
            }
        }

        It 'does not know that profile without -ProfileLocation' {
            { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ProfileName alt -Region eu-central-1 } |
                Should -Throw -ErrorId 'unknown_profile,Get-S3PreSignedURL'
        }
    }
}

Describe 'Explicit keys' {
    BeforeEach {
        $null = Reset-TestAws
        # A distinctive secret: any trace of it in an output stream or a command line is a leak.
        $secret = 'pEsTeRsEcReT/0123456789+abcdefghijklmnopqrs'
        $token = 'pEsTeRtOkEn-FQoGZXIvYXdzEXAMPLETOKEN'
    }

    It 'signs with -AccessKey and -SecretKey' {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -AccessKey $DevKeyId -SecretKey $secret -Region eu-west-1
        Get-KeyId $result.Url | Should -Be $DevKeyId
        $result.Url | Should -Not -Match 'X-Amz-Security-Token'
    }

    It 'gives the same signature as a profile with the same keys' {
        $start = [datetime]::UtcNow.Date
        $viaKeys = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -AccessKey $DevKeyId -SecretKey $DevSecret -Region eu-west-1 -StartTime $start
        $viaProfile = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ProfileName dev -StartTime $start
        $viaKeys.Url | Should -Be $viaProfile.Url
    }

    It 'ignores an inherited AWS_PROFILE and AWS_SESSION_TOKEN' {
        $env:AWS_PROFILE = 'no-such-profile'
        $env:AWS_SESSION_TOKEN = 'inherited-token-from-other-keys'
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -AccessKey $DevKeyId -SecretKey $secret -Region eu-west-1
        Get-KeyId $result.Url | Should -Be $DevKeyId
        $result.Url | Should -Not -Match 'X-Amz-Security-Token'
    }

    It 'adds -SessionToken to the URL' {
        $env:AWS_SESSION_TOKEN = 'inherited-token-from-other-keys'
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -AccessKey $DevKeyId -SecretKey $secret -SessionToken $token -Region eu-west-1
        (Get-UrlQuery $result.Url)['X-Amz-Security-Token'] | Should -Be $token
    }

    It 'never shows the secret key or session token in messages, verbose or debug output' {
        $items = [pscustomobject]@{ Bucket = $Bucket; Key = 'good.txt' }, [pscustomobject]@{ Bucket = 'Bad_Bucket!'; Key = 'bad.txt' }
        $all = $items | Get-S3PreSignedURL -Detailed -AccessKey $DevKeyId -SecretKey $secret -SessionToken $token `
            -Region eu-west-1 -Verbose -Debug *>&1
        $records = @($all | Where-Object { $_.PSObject.TypeNames[0] -ne 'S3PreSignedUrl' })
        $records.Count | Should -BeGreaterThan 1 -Because 'there is at least one verbose message and one error'
        $text = ($records | ForEach-Object { "$_"; if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.ToString() } }) -join "`n"
        $text | Should -Not -BeLike "*$secret*"
        $text | Should -Not -BeLike "*$token*"
        # The secret is not part of the output objects either (the token is: it belongs in the URL).
        ($all | Where-Object { $_.PSObject.TypeNames[0] -eq 'S3PreSignedUrl' } | ConvertTo-Json) | Should -Not -BeLike "*$secret*"
    }

    It 'never puts the keys on the command line, only in the environment of s3presign' -Skip:$IsWindows {
        $argsFile = Join-Path $TestDrive 'args.txt'
        $envFile = Join-Path $TestDrive 'env.txt'
        $env:S3PRESIGN_BIN = New-TestWrapper 'record.sh' (
            "printf '%s\n' `"`$@`" > '$argsFile'; env > '$envFile'; exec `"`$REAL`" `"`$@`"")
        $null = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -AccessKey $DevKeyId -SecretKey $secret -SessionToken $token -Region eu-west-1

        $arguments = Get-Content -Raw $argsFile
        $arguments | Should -Match '^batch\b'
        $arguments | Should -Not -BeLike "*$secret*"
        $arguments | Should -Not -BeLike "*$token*"
        $arguments | Should -Not -BeLike "*$DevKeyId*"
        $environment = Get-Content $envFile
        $environment | Should -Contain "AWS_SECRET_ACCESS_KEY=$secret"
        $environment | Should -Contain "AWS_ACCESS_KEY_ID=$DevKeyId"
        $environment | Should -Contain "AWS_SESSION_TOKEN=$token"
    }
}

Describe 'Temporary credentials' -Skip:$IsWindows {
    BeforeEach {
        $awsDir = Reset-TestAws
        # credential_process hands out keys that expire in 2 hours: shorter than a 7-day URL.
        $expiry = [datetime]::UtcNow.AddHours(2)
        $expiry = [datetime]::new($expiry.Ticks - $expiry.Ticks % [timespan]::TicksPerSecond, [DateTimeKind]::Utc)
        $json = '{"Version":1,"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"' + $ExampleSecret +
            '","SessionToken":"temporary-token","Expiration":"' + $expiry.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") + '"}'
        $process = Join-Path $awsDir 'credential-process.sh'
        Write-TestFile $process @('#!/bin/sh', "echo '$json'")
        & chmod +x $process
        Add-Content -LiteralPath (Join-Path $awsDir 'config') -Value @('[profile temp]', 'region = us-east-1', "credential_process = $process")
    }

    It 'reports when the credentials expire, and that the URL stops working then' {
        $results = 'a', 'b', 'c' | Get-S3PreSignedURL -Detailed -Bucket $Bucket -ProfileName temp -ExpiresIn 7d -WarningVariable warnings -WarningAction SilentlyContinue
        $results.Count | Should -Be 3
        ConvertTo-TestInstant $results[0].CredentialExpiresAt | Should -Be $expiry
        $results[0].CredentialExpiresAt | Should -BeLike '*Z'
        ConvertTo-TestInstant $results[0].EffectiveExpiresAt | Should -Be $expiry
        ConvertTo-TestInstant $results[0].ExpiresAt | Should -BeGreaterThan $expiry
        $results[0].ExpiresInSeconds | Should -Be 604800
    }

    It 'warns once, not once per URL' {
        $null = 'a', 'b', 'c' | Get-S3PreSignedURL -Detailed -Bucket $Bucket -ProfileName temp -ExpiresIn 7d -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'credentials expire'
    }

    It 'does not warn when the URL expires before the credentials' {
        $null = 'a', 'b' | Get-S3PreSignedURL -Detailed -Bucket $Bucket -ProfileName temp -ExpiresIn 1h -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings.Count | Should -Be 0
    }

    It 'refuses such URLs with -StrictExpiry' {
        $results = 'a', 'b', 'c' | Get-S3PreSignedURL -Detailed -Bucket $Bucket -ProfileName temp -ExpiresIn 7d -StrictExpiry -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $results | Should -BeNullOrEmpty
        $failures.Count | Should -Be 3
        $failures[0].FullyQualifiedErrorId | Should -Be 'credentials_expire_first,Get-S3PreSignedURL'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failures.TargetObject | Should -Be @('a', 'b', 'c')
    }
}

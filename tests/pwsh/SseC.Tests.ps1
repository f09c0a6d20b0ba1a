# SSE-C (server-side encryption with a customer-provided key) in Get-S3PreSignedURL -Detailed: the three headers are
# signed, the key reaches s3presign through its environment only and shows up in no output; against the S3
# test server (see tests/pester.rs), an upload succeeds only with the right key sent.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    function New-CustomerKey {
        # A fresh 256-bit key, base64: any trace of it in an output, message or command line is a leak.
        [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32))
    }

    function Get-KeyMD5([string]$Key) {
        [Convert]::ToBase64String([System.Security.Cryptography.MD5]::HashData([Convert]::FromBase64String($Key)))
    }

    function Get-Everything([object[]]$Records) {
        # Every text a caller could see of these records: objects in every form, messages, exceptions, targets.
        $texts = foreach ($record in $Records) {
            if ($record -is [System.Management.Automation.ErrorRecord]) {
                "$record"; $record.Exception.ToString(); "$($record.TargetObject)"; "$($record.CategoryInfo)"
            } elseif ($record -is [System.Management.Automation.InformationalRecord]) {
                $record.Message
            } else {
                ConvertTo-Json -InputObject $record -Depth 5
                $record | Format-List * | Out-String -Width 1000
                $record | Format-Table | Out-String -Width 1000
                $record | ConvertTo-Csv
            }
        }
        $texts -join "`n"
    }
}

AfterAll {
    Remove-Item env:S3PRESIGN_SSE_CUSTOMER_KEY -ErrorAction Ignore
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'SSE-C URLs' {
    BeforeEach {
        $null = Reset-TestAws
        $key = New-CustomerKey
    }

    It 'signs the three SSE-C headers for <Verb>, and lists them with the key hidden' -ForEach @(
        @{ Verb = 'GET' }, @{ Verb = 'HEAD' }, @{ Verb = 'PUT' }
    ) {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key vault/a.bin -Verb $Verb -ServerSideEncryptionCustomerProvidedKey $key
        [uri]::UnescapeDataString((Get-UrlQuery $result.Url)['X-Amz-SignedHeaders']) |
            Should -Be 'host;x-amz-server-side-encryption-customer-algorithm;x-amz-server-side-encryption-customer-key;x-amz-server-side-encryption-customer-key-md5'
        $result.Headers -split "`n" | Should -Be @(
            'x-amz-server-side-encryption-customer-algorithm: AES256'
            'x-amz-server-side-encryption-customer-key: (redacted)'
            "x-amz-server-side-encryption-customer-key-MD5: $(Get-KeyMD5 $key)")
        $result.InvokeWebRequest | Should -BeLike "*'x-amz-server-side-encryption-customer-key' = `$env:S3PRESIGN_SSE_CUSTOMER_KEY*"
        $result.Curl | Should -BeLike '*"x-amz-server-side-encryption-customer-key: $S3PRESIGN_SSE_CUSTOMER_KEY"*'
        Get-Everything $result | Should -Not -BeLike "*$key*"
    }

    It 'is verified by ConvertFrom-S3PreSignedURL -Verify with the same key, and not with another' {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key vault/a.bin -Verb PUT -ServerSideEncryptionCustomerProvidedKey $key
        $checked = $result | ConvertFrom-S3PreSignedURL -Verify -Verb PUT -ServerSideEncryptionCustomerProvidedKey $key -Verbose 4>&1
        ($checked | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).SignatureValid | Should -Be $true
        Get-Everything $checked | Should -Not -BeLike "*$key*"
        $other = @($result | ConvertFrom-S3PreSignedURL -Verify -Verb PUT -ServerSideEncryptionCustomerProvidedKey (New-CustomerKey) -ErrorAction SilentlyContinue)
        $other.Count | Should -Be 1 -Because 'the URL is read back, only its signature does not match'
        $other[0].Bucket | Should -Be $Bucket
        $other[0].SignatureValid | Should -Be $false
    }

    It 'signs part URLs with the key too, each with its PartNumber' {
        $parts = @(1, 2 | Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key vault/big.bin -Verb PUT -UploadId U1 -ServerSideEncryptionCustomerProvidedKey $key)
        $parts.PartNumber | Should -Be @(1, 2)
        $parts[1].Url | Should -Match 'x-amz-server-side-encryption-customer-key%3B'
        $parts[1].Headers | Should -Match 'customer-key: \(redacted\)'
        Get-Everything $parts | Should -Not -BeLike "*$key*"
    }

    It 'takes the AWS.Tools parameters -ServerSideEncryptionCustomerMethod AES256 and the key''s MD5' {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ServerSideEncryptionCustomerProvidedKey $key -ServerSideEncryptionCustomerMethod AES256 `
            -ServerSideEncryptionCustomerProvidedKeyMD5 (Get-KeyMD5 $key)
        $result.Headers | Should -Match 'customer-algorithm: AES256'
        { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ServerSideEncryptionCustomerProvidedKey $key -ServerSideEncryptionCustomerMethod AES128 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,Get-S3PreSignedURL'
    }

    It 'refuses -ServerSideEncryptionCustomer<Name> without the key' -ForEach @(
        @{ Name = 'Method'; Arguments = @{ ServerSideEncryptionCustomerMethod = 'AES256' } }
        @{ Name = 'ProvidedKeyMD5'; Arguments = @{ ServerSideEncryptionCustomerProvidedKeyMD5 = 'qULzx4jM2mmuXMBCcO9I8w==' } }
    ) {
        $caught = $null
        try { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k @Arguments } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'MissingCustomerKey,Get-S3PreSignedURL'
        $caught.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $caught.Exception.Message | Should -Match '-ServerSideEncryptionCustomerProvidedKey'
    }

    It 'stops, naming the parameter and not the key, for <What>' -ForEach @(
        @{ What = 'a key of 16 bytes'; Short = $true; Pattern = '16 bytes' }
        @{ What = 'an MD5 that is not the key''s'; Short = $false; Pattern = 'not the MD5' }
    ) {
        $arguments = @{ ServerSideEncryptionCustomerProvidedKey = $key }
        if ($Short) { $arguments.ServerSideEncryptionCustomerProvidedKey = [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(16)) }
        else { $arguments.ServerSideEncryptionCustomerProvidedKeyMD5 = Get-KeyMD5 (New-CustomerKey) }
        $caught = $null
        try { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k @arguments } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'usage,Get-S3PreSignedURL'
        $caught.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $caught.Exception.Message | Should -Match $Pattern
        $caught.Exception.Message | Should -Match '-ServerSideEncryptionCustomerProvidedKey'
        Get-Everything $caught | Should -Not -BeLike "*$($arguments.ServerSideEncryptionCustomerProvidedKey)*"
    }

    It 'reports a verb that cannot have the key (DELETE) as option_not_for_verb, without the key' {
        $null = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k, l -Verb DELETE -ServerSideEncryptionCustomerProvidedKey $key -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 2
        $failures[0].FullyQualifiedErrorId | Should -Be 'option_not_for_verb,Get-S3PreSignedURL'
        Get-Everything $failures | Should -Not -BeLike "*$key*"
    }
}

Describe 'The SSE-C key and the s3presign process' -Skip:$IsWindows {
    BeforeEach {
        $null = Reset-TestAws
        $key = New-CustomerKey
        $argsFile = Join-Path $TestDrive "sse-args-$([guid]::NewGuid()).txt"
        $envFile = Join-Path $TestDrive "sse-env-$([guid]::NewGuid()).txt"
    }

    It 'gives the key to s3presign in its environment, never on its command line or in verbose output' {
        $env:S3PRESIGN_BIN = New-TestWrapper 'record-sse.sh' "printf '%s\n' `"`$@`" > '$argsFile'; env > '$envFile'; exec `"`$REAL`" `"`$@`""
        $all = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -Verb PUT -ServerSideEncryptionCustomerProvidedKey $key -Verbose 4>&1
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $verbose.Count | Should -BeGreaterThan 0
        ($verbose.Message -join "`n") | Should -Match '--sse-customer-key env:S3PRESIGN_SSE_CUSTOMER_KEY'
        Get-Everything $all | Should -Not -BeLike "*$key*"

        $arguments = Get-Content $argsFile
        $arguments | Should -Contain 'env:S3PRESIGN_SSE_CUSTOMER_KEY'
        ($arguments -join "`n") | Should -Not -BeLike "*$key*"
        Get-Content $envFile | Should -Contain "S3PRESIGN_SSE_CUSTOMER_KEY=$key"
    }

    It 'masks the key should s3presign ever quote it in <Where>' -ForEach @(
        @{ Where = 'an error record'; Body = 'while read -r line; do n=$((n+1)); echo "{\"type\":\"error\",\"line\":$n,\"code\":\"signing\",\"message\":\"bad $S3PRESIGN_SSE_CUSTOMER_KEY\"}"; done' }
        @{ Where = 'its standard error'; Body = 'read -r line; echo "s3presign: error: bad $S3PRESIGN_SSE_CUSTOMER_KEY" >&2; exit 3' }
    ) {
        $env:S3PRESIGN_BIN = New-TestWrapper 'leaky.sh' $Body
        # Error records, and the terminating error of a failed process.
        $all = [System.Collections.Generic.List[object]]::new()
        try { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ServerSideEncryptionCustomerProvidedKey $key 2>&1 | ForEach-Object { $all.Add($_) } }
        catch { $all.Add($_) }
        $all.Count | Should -Be 1
        ($all | ForEach-Object { "$_" }) -join "`n" | Should -Match 'bad \*\*\*' -Because 'the message still comes through'
        Get-Everything $all | Should -Not -BeLike "*$key*"
    }
}

Describe 'SSE-C end to end against an S3 test server' {
    BeforeAll {
        $s3 = Get-TestServer

        function Send-Put([string]$Url, [byte[]]$Body, [hashtable]$Headers) {
            $response = Invoke-WebRequest -Method Put -Uri $Url -Body $Body -Headers $Headers -NoProxy -SkipHttpErrorCheck -TimeoutSec 30
            [int]$response.StatusCode
        }

        function Get-SseHeaders([string]$Key, [string]$MD5Of = $Key) {
            @{
                'x-amz-server-side-encryption-customer-algorithm' = 'AES256'
                'x-amz-server-side-encryption-customer-key'       = $Key
                'x-amz-server-side-encryption-customer-key-MD5'   = Get-KeyMD5 $MD5Of
            }
        }
    }

    BeforeEach {
        if ($s3.SkipReason) { Set-ItResult -Skipped -Because $s3.SkipReason }
        $null = Reset-TestAws
        $parameters = $s3.Parameters
        $key = New-CustomerKey
    }

    AfterEach {
        Remove-Item env:S3PRESIGN_SSE_CUSTOMER_KEY -ErrorAction Ignore
    }

    It 'uploads only when the three headers carry the signed key' {
        $name = "ssec/put-$([guid]::NewGuid()).bin"
        $bytes = New-TestBytes -Size 2000 -Seed 31
        $put = Get-S3PreSignedURL -Detailed -Bucket $s3.Bucket -Key $name -Verb PUT -ServerSideEncryptionCustomerProvidedKey $key -ExpiresIn 5m @parameters
        Get-Everything $put | Should -Not -BeLike "*$key*"

        $withoutKey = Get-SseHeaders $key
        $withoutKey.Remove('x-amz-server-side-encryption-customer-key')
        Send-Put $put.Url $bytes $withoutKey | Should -Be 403 -Because 'the key header is signed'
        $other = New-CustomerKey
        Send-Put $put.Url $bytes (Get-SseHeaders $other) | Should -Be 403 -Because 'another key (with its own MD5) is not the signed one'
        Send-Put $put.Url $bytes (Get-SseHeaders $other $key) | Should -Be 403 -Because 'another key (with the signed MD5) is not the signed one'
        Send-Put $put.Url $bytes @{} | Should -Be 403 -Because 'none of the SSE-C headers was sent'
        Get-StoredObject $s3 $name | Should -BeNullOrEmpty

        Send-Put $put.Url $bytes (Get-SseHeaders $key) | Should -Be 200
        [System.Linq.Enumerable]::SequenceEqual((Get-StoredObject $s3 $name), $bytes) | Should -Be $true
    }

    It 'uploads and downloads with the suggested commands, the key taken from $env:S3PRESIGN_SSE_CUSTOMER_KEY' {
        $name = "ssec/commands-$([guid]::NewGuid()).bin"
        $source = Join-Path $TestDrive 'ssec-source.bin'
        $target = Join-Path $TestDrive 'ssec-target.bin'
        $bytes = New-TestBytes -Size 1500 -Seed 32
        [System.IO.File]::WriteAllBytes($source, $bytes)
        $put = Get-S3PreSignedURL -Detailed -Bucket $s3.Bucket -Key $name -Verb PUT -ServerSideEncryptionCustomerProvidedKey $key @parameters
        $get = Get-S3PreSignedURL -Detailed -Bucket $s3.Bucket -Key $name -ServerSideEncryptionCustomerProvidedKey $key @parameters

        $env:S3PRESIGN_SSE_CUSTOMER_KEY = $key
        $null = Invoke-Expression $put.InvokeWebRequest.Replace('LOCAL_FILE', "'$source'")
        [System.Linq.Enumerable]::SequenceEqual((Get-StoredObject $s3 $name), $bytes) | Should -Be $true
        $null = Invoke-Expression $get.InvokeWebRequest.Replace('LOCAL_FILE', "'$target'")
        [System.Linq.Enumerable]::SequenceEqual([System.IO.File]::ReadAllBytes($target), $bytes) | Should -Be $true

        $plain = Invoke-WebRequest -Uri $get.Url -NoProxy -SkipHttpErrorCheck -TimeoutSec 30
        [int]$plain.StatusCode | Should -Be 403 -Because 'the download URL needs the key headers too'
    }
}

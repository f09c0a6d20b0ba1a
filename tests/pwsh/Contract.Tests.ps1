# The AWS.Tools contract: Get-S3PreSignedURL's default output is the URL as a [string], and every string
# idiom works on it; -Detailed gives objects whose instants are ISO 8601 UTC under any culture; errors are
# terminating for a single request and per item in pipelines; AWS.Tools' parameters, credentials objects,
# session variables and pipeline binding rules.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $s3 = Get-TestServer
    $IsoInstant = '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$'
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'The default output is the URL as a [string]' {
    BeforeAll {
        $null = Reset-TestAws
        $url = Get-S3PreSignedURL -BucketName $Bucket -Key a.txt -Expire (Get-Date).AddHours(1)
        $pattern = '^https://examplebucket\.s3\.us-east-1\.amazonaws\.com/a\.txt\?X-Amz-Algorithm=.*X-Amz-Signature=[0-9a-f]{64}$'
    }

    It 'is one [string], the signed URL' {
        @($url).Count | Should -Be 1
        $url -is [string] | Should -Be $true
        $url | Should -Match $pattern
    }

    It 'interpolates, has the length of the URL, and has string methods, + and the string operators' {
        "Link: $url" | Should -Match '^Link: https://examplebucket\.s3'
        $url.Length | Should -BeGreaterThan 200
        $url.StartsWith('https://') | Should -Be $true
        $url.Contains('X-Amz-Expires=3') | Should -Be $true
        ('<' + $url + '>') | Should -Match '^<https://.*>$'
        $url -like 'https://examplebucket.*' | Should -Be $true
        $url -match 'X-Amz-Signature=([0-9a-f]{64})' | Should -Be $true
        ($url -replace '\?.*$', '') | Should -Be 'https://examplebucket.s3.us-east-1.amazonaws.com/a.txt'
        (@($url, $url) -join "`n").Split("`n") | Should -Be @($url, $url)
    }

    It 'converts to [uri] and is a hashtable value like any string' {
        ([uri]$url).Host | Should -Be 'examplebucket.s3.us-east-1.amazonaws.com'
        ([uri]$url).AbsolutePath | Should -Be '/a.txt'
        $table = @{ url = $url }
        $table.url | Should -BeExactly $url
    }

    It 'goes into ConvertTo-Json @{url=...} as a JSON string' {
        $json = ConvertTo-Json @{ url = $url } -Compress
        ($json | ConvertFrom-Json).url | Should -BeExactly $url
        $json | Should -Not -CMatch '"(Bucket|ExpiresAt|Url)"' -Because 'the value is the string, not an object'
    }

    It 'is written whole by Out-File, > and Set-Content' {
        $file = Join-Path $TestDrive 'links.txt'
        $url | Out-File -FilePath $file
        (Get-Content $file) | Should -BeExactly $url
        $url > $file
        (Get-Content $file) | Should -BeExactly $url
        Set-Content -Path $file -Value $url
        (Get-Content $file) | Should -BeExactly $url
    }

    It 'goes into Export-Csv through a calculated property' {
        $file = Join-Path $TestDrive 'calc.csv'
        'a.txt', 'b.txt' | ForEach-Object { [pscustomobject]@{ Key = $_ } } |
            Select-Object Key, @{ Name = 'Url'; Expression = { Get-S3PreSignedURL -BucketName $Bucket -Key $_.Key } } |
            Export-Csv -Path $file
        $rows = Import-Csv $file
        $rows.Key | Should -Be @('a.txt', 'b.txt')
        $rows[1].Url | Should -Match '^https://examplebucket\.s3\.us-east-1\.amazonaws\.com/b\.txt\?.*X-Amz-Signature='
    }

    It 'passes to a native command as one argument (& curl)' {
        # curl only parses the URL here (--head to a port nothing listens on is not needed): -w prints it back.
        $echoed = & curl --silent --output /dev/null --write-out '%{url}' --max-time 1 --connect-to '::127.0.0.1:9' $url
        $echoed | Should -BeExactly $url
    }

    It 'works with Invoke-WebRequest -Uri against a server that checks the signature' {
        if ($s3.SkipReason) { Set-ItResult -Skipped -Because $s3.SkipReason; return }
        $server = $s3.Parameters
        $link = Get-S3PreSignedURL -BucketName $s3.Bucket -Key hello.txt @server
        $link -is [string] | Should -Be $true
        $response = Invoke-WebRequest -Uri $link -NoProxy -SkipHttpErrorCheck
        [int]$response.StatusCode | Should -Be 200
        [System.Text.Encoding]::UTF8.GetString($response.RawContentStream.ToArray()) | Should -BeExactly 'hello world'
    }

    It 'emits strings in pipelines too, one per input, in order, and still takes -AsString' {
        $urls = @('a', 'b', 'c' | Get-S3PreSignedURL -BucketName $Bucket -AsString)
        $urls.Count | Should -Be 3
        foreach ($i in 0..2) { $urls[$i] -is [string] | Should -Be $true; $urls[$i] | Should -Match "/$('abc'[$i])\?" }
    }

    It 'declares both output types' {
        (Get-Command Get-S3PreSignedURL).OutputType.Name | Should -Be @('System.String', 'S3PreSignedUrl')
    }
}

Describe '-Detailed through Export-Csv and ConvertTo-Json under <Culture>' -ForEach @(
    @{ Culture = 'de-DE' }, @{ Culture = 'en-US' }
) {
    BeforeAll {
        $null = Reset-TestAws
        $saved = [cultureinfo]::CurrentCulture
        [cultureinfo]::CurrentCulture = $Culture
    }
    AfterAll { [cultureinfo]::CurrentCulture = $saved }

    It 'writes every instant as ISO 8601 UTC with Z in CSV' {
        $file = Join-Path $TestDrive "detailed-$Culture.csv"
        'a.txt', 'b.txt' | Get-S3PreSignedURL -BucketName $Bucket -ExpiresIn 2h -StartTime ([datetime]::new(2030, 12, 7, 16, 17, 37, [DateTimeKind]::Utc)) -Detailed | Export-Csv -Path $file
        $rows = Import-Csv $file
        $rows.Count | Should -Be 2
        $rows[0].SignedAt | Should -BeExactly '2030-12-07T16:17:37Z'
        $rows[0].ExpiresAt | Should -BeExactly '2030-12-07T18:17:37Z'
        $rows[0].EffectiveExpiresAt | Should -BeExactly '2030-12-07T18:17:37Z'
        $rows[1].Url | Should -Match 'X-Amz-Signature='
        (Get-Content -Raw $file) | Should -Not -Match '07\.12\.2030|12/7/2030'
    }

    It 'writes the same instants in JSON' {
        $result = Get-S3PreSignedURL -BucketName $Bucket -Key k -StartTime ([datetime]::new(2030, 12, 7, 16, 17, 37, [DateTimeKind]::Utc)) -Detailed
        $json = $result | ConvertTo-Json
        $json | Should -Match '"SignedAt":\s*"2030-12-07T16:17:37Z"'
        $json | Should -Match '"ExpiresAt":\s*"2030-12-07T17:17:37Z"'
        "$result" | Should -BeExactly $result.Url -Because 'ToString() is the URL'
    }
}

Describe 'Errors as AWS.Tools users expect them' {
    BeforeAll { $null = Reset-TestAws }

    It 'makes a single request from parameters that cannot be signed a terminating error, which try/catch catches' {
        $caught = $null
        $u = 'unset'
        try { $u = Get-S3PreSignedURL -BucketName $Bucket -Key k -ExpiresIn 8d } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Be 'expiry_too_far,Get-S3PreSignedURL'
        $caught.Exception.Message | Should -Match '7 days'
        $caught.Exception.Message | Should -Not -Match '^line \d|input object'
        $u | Should -Be 'unset'
    }

    It 'keeps N in, N out, in order, with a non-terminating error naming input object 4' {
        $items = 'k1', 'k2', 'k3', ('x' * 1100), 'k5'
        $stream = @($items | Get-S3PreSignedURL -BucketName $Bucket 2>&1)
        $stream.Count | Should -Be 5
        foreach ($i in 0, 1, 2, 4) { $stream[$i] | Should -Match "/k$($i + 1)\?" }
        $stream[3] | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $stream[3].FullyQualifiedErrorId | Should -Be 'invalid_key,Get-S3PreSignedURL'
        $stream[3].Exception.Message | Should -BeLike 'input object 4: *'
    }

    It 'uses parameter names, not flags or protocol fields, in messages' {
        $null = 'k' | Get-S3PreSignedURL -BucketName $Bucket -Verb PUT -ResponseContentType text/plain -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].Exception.Message | Should -Match '-ResponseContentType'
        $failed[0].Exception.Message | Should -Not -Match '--response|response_content_type'
    }
}

Describe 'AWS.Tools parameters and pipeline binding' {
    BeforeAll {
        $null = Reset-TestAws
        Add-Type -Path (Join-Path $RepoRoot '..' 'shared' 'anchors' 'dotnet-sdk' 'AWSSDK.Core.dll')
    }
    AfterEach {
        Remove-Variable -Name StoredAWSCredentials, StoredAWSRegion -Scope Global -ErrorAction Ignore
    }

    It 'says once that piped objects'' Verb, ExpiresIn, Expires and ContentType are not read, and signs with the command''s values' {
        $rows = 1..3 | ForEach-Object { [pscustomobject]@{ BucketName = $Bucket; Key = "k$_"; ExpiresIn = '2d'; Verb = 'PUT'; Size = 5 } }
        $urls = @($rows | Get-S3PreSignedURL -WarningVariable warned -WarningAction SilentlyContinue)
        $urls.Count | Should -Be 3
        $urls | ForEach-Object { $_ | Should -BeLike '*X-Amz-Expires=3600&*' }
        $warned.Count | Should -Be 1
        $warned[0].Message | Should -BeLike 'The piped objects have Verb, ExpiresIn properties, which Get-S3PreSignedURL does not read*-Verb, -ExpiresIn*s3presign batch --input-format csv*'
        # Objects without them (Get-S3Object's) get no warning.
        $null = [pscustomobject]@{ BucketName = $Bucket; Key = 'k'; Size = 5 } | Get-S3PreSignedURL -WarningVariable quiet -WarningAction SilentlyContinue
        $quiet.Count | Should -Be 0
    }

    It 'takes -ForcePathStyleAddressing $true and $false' {
        Get-S3PreSignedURL -BucketName $Bucket -Key k -ForcePathStyleAddressing $true | Should -BeLike 'https://s3.us-east-1.amazonaws.com/examplebucket/k?*'
        Get-S3PreSignedURL -BucketName $Bucket -Key k -ForcePathStyleAddressing $false | Should -BeLike 'https://examplebucket.s3.us-east-1.amazonaws.com/k?*'
        # At a custom endpoint (path-style by default), $false asks for virtual-hosted URLs; not given, path-style.
        Get-S3PreSignedURL -BucketName $Bucket -Key k -EndpointUrl https://minio.example.com:9000 -ForcePathStyleAddressing $false | Should -BeLike 'https://examplebucket.minio.example.com:9000/k?*'
        Get-S3PreSignedURL -BucketName $Bucket -Key k -EndpointUrl https://minio.example.com:9000 | Should -BeLike 'https://minio.example.com:9000/examplebucket/k?*'
    }

    It 'signs with -Credential <Type> from AWSSDK.Core, keeping the secret off the command line' -ForEach @(
        @{ Type = 'BasicAWSCredentials'; Token = $null }, @{ Type = 'SessionAWSCredentials'; Token = 'pEsTeR-SeSsIoN-ToKeN' }
    ) {
        $credential = if ($Token) { [Amazon.Runtime.SessionAWSCredentials]::new($DevKeyId, $DevSecret, $Token) } else { [Amazon.Runtime.BasicAWSCredentials]::new($DevKeyId, $DevSecret) }
        $viaCredential = Get-S3PreSignedURL -BucketName $Bucket -Key k -Credential $credential -Region eu-west-1 -StartTime ([datetime]'2030-01-01Z') -Verbose -Debug 4>&1 5>&1
        $urls = @($viaCredential | Where-Object { $_ -is [string] })
        $urls.Count | Should -Be 1
        $viaKeys = Get-S3PreSignedURL -BucketName $Bucket -Key k -AccessKey $DevKeyId -SecretKey $DevSecret -SessionToken $Token -Region eu-west-1 -StartTime ([datetime]'2030-01-01Z')
        $urls[0] | Should -BeExactly $viaKeys
        $urls[0] | Should -BeLike "*X-Amz-Credential=$DevKeyId%2F*"
        if ($Token) { $urls[0] | Should -BeLike "*X-Amz-Security-Token=$Token*" }
        ($viaCredential | Where-Object { $_ -isnot [string] } | Out-String) | Should -Not -BeLike "*$DevSecret*"
    }

    It 'uses $StoredAWSCredentials and $StoredAWSRegion (Set-AWSCredential, Set-DefaultAWSRegion), after explicit parameters' {
        $global:StoredAWSCredentials = [Amazon.Runtime.BasicAWSCredentials]::new($DevKeyId, $DevSecret)
        $global:StoredAWSRegion = 'ap-southeast-2'
        $url = Get-S3PreSignedURL -BucketName $Bucket -Key k
        $url | Should -BeLike "*X-Amz-Credential=$DevKeyId%2F*%2Fap-southeast-2%2F*"
        Get-S3PreSignedURL -BucketName $Bucket -Key k -ProfileName default -Region us-west-2 | Should -BeLike "*X-Amz-Credential=$ExampleKeyId%2F*%2Fus-west-2%2F*"
    }

    It 'treats <Name> as not given, as AWS.Tools does' -ForEach @(
        @{ Name = "-ProfileName ''"; Arguments = @{ ProfileName = '' } }
        @{ Name = '-EndpointUrl $null'; Arguments = @{ EndpointUrl = $null } }
        @{ Name = '-AccessKey $env:UNSET'; Arguments = @{ AccessKey = $env:S3PRESIGN_SURELY_UNSET } }
    ) {
        $url = Get-S3PreSignedURL -BucketName $Bucket -Key k @Arguments -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $url | Should -BeLike "https://examplebucket.s3.us-east-1.amazonaws.com/k?*X-Amz-Credential=$ExampleKeyId%2F*"
    }

    It 'signs no encryption header for -ServerSideEncryptionMethod None' {
        $url = Get-S3PreSignedURL -BucketName $Bucket -Key k -Verb PUT -ServerSideEncryptionMethod None -Detailed
        $url.Headers | Should -BeExactly ''
        $url.Url | Should -Match 'X-Amz-SignedHeaders=host&'
        (Get-S3PreSignedURL -BucketName $Bucket -Key k -Verb PUT -ServerSideEncryptionMethod AES256 -Detailed).Headers | Should -Be 'x-amz-server-side-encryption: AES256'
    }

    It 'binds a piped string as the bucket when -Key is given without -BucketName' {
        $urls = @('bucket-one', 'bucket-two' | Get-S3PreSignedURL -Key shared.txt)
        $urls.Count | Should -Be 2
        $urls[0] | Should -BeLike 'https://bucket-one.s3.us-east-1.amazonaws.com/shared.txt?*'
        $urls[1] | Should -BeLike 'https://bucket-two.s3.us-east-1.amazonaws.com/shared.txt?*'
    }

    It 'keeps a piped string the key when -BucketName is given, and piped numbers part numbers with -UploadId' {
        ('k.txt' | Get-S3PreSignedURL -BucketName $Bucket) | Should -BeLike 'https://examplebucket.s3.us-east-1.amazonaws.com/k.txt?*'
        $parts = @(1, 2 | Get-S3PreSignedURL -BucketName $Bucket -Key big.iso -Verb PUT -UploadId U1)
        $parts[0] | Should -Match 'partNumber=1&uploadId=U1'
        $parts[1] | Should -Match 'partNumber=2&uploadId=U1'
    }

    It 'signs each piped object for its own Region, in input order' {
        $items = [pscustomobject]@{ BucketName = $Bucket; Key = 'a'; Region = 'eu-west-1' },
        [pscustomobject]@{ BucketName = $Bucket; Key = 'b' },
        [pscustomobject]@{ BucketName = $Bucket; Key = 'c'; Region = 'ap-south-1' }
        $urls = @($items | Get-S3PreSignedURL)
        $urls.Count | Should -Be 3
        $urls[0] | Should -BeLike 'https://examplebucket.s3.eu-west-1.amazonaws.com/a?*%2Feu-west-1%2Fs3%2F*'
        $urls[1] | Should -BeLike 'https://examplebucket.s3.us-east-1.amazonaws.com/b?*%2Fus-east-1%2Fs3%2F*'
        $urls[2] | Should -BeLike 'https://examplebucket.s3.ap-south-1.amazonaws.com/c?*%2Fap-south-1%2Fs3%2F*'
    }

    It 'names the input object a warning is about: an unknown region, once per region' {
        $items = 'us-east-1', 'xx-north-9', 'yy-south-7', 'xx-north-9' | ForEach-Object { [pscustomobject]@{ BucketName = $Bucket; Key = 'k'; Region = $_ } }
        $urls = @($items | Get-S3PreSignedURL -WarningVariable warned -WarningAction SilentlyContinue)
        $urls.Count | Should -Be 4
        @($warned).Count | Should -Be 2
        "$($warned[0])" | Should -BeLike "input object 2: region 'xx-north-9' (from its Region property)*"
        "$($warned[1])" | Should -BeLike "input object 3: region 'yy-south-7'*"
    }

    It 'fails only the piped object whose Region is not a region, naming it and its Region property' {
        $items = [pscustomobject]@{ BucketName = $Bucket; Key = 'a'; Region = 'us-east-2' },
        [pscustomobject]@{ BucketName = $Bucket; Key = 'b'; Region = 'eu-wset-1' },
        [pscustomobject]@{ BucketName = $Bucket; Key = 'c' }
        $urls = @($items | Get-S3PreSignedURL -ErrorVariable failed -ErrorAction SilentlyContinue)
        $urls.Count | Should -Be 2
        $urls[0] | Should -BeLike '*%2Fus-east-2%2Fs3%2F*'
        $urls[1] | Should -BeLike '*/c?*'
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'invalid_region,Get-S3PreSignedURL'
        $failed[0].Exception.Message | Should -BeLike 'input object 2: *eu-wset-1*its Region property*eu-west-1*'
        $failed[0].TargetObject.Key | Should -Be 'b'
    }

    It 'reads its own -Detailed CSV back (an empty PartNumber cell is no part)' {
        $csv = Get-S3PreSignedURL -BucketName $Bucket -Key a, b -Detailed | ConvertTo-Csv
        $again = @($csv | ConvertFrom-Csv | Get-S3PreSignedURL -Detailed)
        $again.Key | Should -Be 'a', 'b'
        $again.PartNumber | Should -Be $null, $null
    }

    It 'writes debug records (credentials, region, command line) and never prompts under -Debug' {
        $script = "Import-Module '$ModuleManifest'; Get-S3PreSignedURL -BucketName $Bucket -Key k -Debug 5>&1 | ForEach-Object { `"`$_`" }"
        $output = & pwsh -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0
        ($output -join "`n") | Should -Not -Match 'NonInteractive|Prompt' -Because '-Debug must not ask to continue'
        $output | Should -Contain 'credentials: s3presign''s chain (environment variables, AWS_PROFILE, the default profile)'
        ($output -join "`n") | Should -Match 'command line: .*s3presign batch --protocol 1 --output url'
        ($output | Select-Object -Last 1) | Should -Match '^https://examplebucket\.s3\.us-east-1\.amazonaws\.com/k\?'
    }
}

Describe 'Secrets reach s3presign only through its environment' -Skip:$IsWindows {
    BeforeAll {
        $null = Reset-TestAws
        Add-Type -Path (Join-Path $RepoRoot '..' 'shared' 'anchors' 'dotnet-sdk' 'AWSSDK.Core.dll')
        $argsFile = Join-Path $TestDrive 'args.txt'
        $env:S3PRESIGN_BIN = New-TestWrapper 'record.sh' "printf '%s\n' `"`$@`" > '$argsFile'; exec `"`$REAL`" `"`$@`""
        $key = [Convert]::ToBase64String([byte[]](1..32))
    }

    It 'keeps a -Credential secret, a short -SecretKey and an SSE-C key given as a -Header off the command line and out of -Verbose' {
        $secret = 'sHoRt1'
        $all = Get-S3PreSignedURL -BucketName $Bucket -Key k -AccessKey $DevKeyId -SecretKey $secret -Verbose 4>&1
        (Get-Content -Raw $argsFile) | Should -Not -BeLike "*$secret*"
        ($all | Out-String) | Should -Not -BeLike "*$secret*"
        $credential = [Amazon.Runtime.BasicAWSCredentials]::new($DevKeyId, $DevSecret)
        $null = Get-S3PreSignedURL -BucketName $Bucket -Key k -Credential $credential
        (Get-Content -Raw $argsFile) | Should -Not -BeLike "*$DevSecret*"
        $url = Get-S3PreSignedURL -BucketName $Bucket -Key k -ServerSideEncryptionCustomerProvidedKey $key
        $checked = @(ConvertFrom-S3PreSignedURL $url -Verify -Header @{ 'x-amz-server-side-encryption-customer-key' = $key } -Verbose 4>&1)
        (Get-Content -Raw $argsFile) | Should -Not -BeLike "*$key*"
        ($checked | Out-String) | Should -Not -BeLike "*$key*"
        ($checked | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).SignatureValid | Should -Be $true
    }

    It 'refuses an -ServerSideEncryptionCustomerProvidedKeyMD5 that is not the key''s without showing it' {
        $caught = $null
        try { Get-S3PreSignedURL -BucketName $Bucket -Key k -ServerSideEncryptionCustomerProvidedKey $key -ServerSideEncryptionCustomerProvidedKeyMD5 $key } catch { $caught = $_ }
        $caught.Exception.Message | Should -Match 'not the MD5'
        $caught.Exception.Message | Should -Not -BeLike "*$key*"
    }
}

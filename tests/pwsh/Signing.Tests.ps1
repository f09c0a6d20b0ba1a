# Get-S3PreSignedURL -Detailed against the real s3presign: what it signs, what it takes from the pipeline,
# and the shape of what it emits. Signing with long-term keys is offline.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'Signing one URL' {
    BeforeEach { $null = Reset-TestAws }   # each test starts from the standard environment

    It 'signs -Bucket -Key -Expires with the default profile, expiring at the requested instant (UTC)' {
        # A Local time within the next 7 days, to the second: the module sends it as UTC.
        $now = [datetime]::Now
        $when = [datetime]::new($now.Year, $now.Month, $now.Day, $now.Hour, $now.Minute, $now.Second, [DateTimeKind]::Local).AddDays(3)

        $result = @(Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -Expires $when)

        $result.Count | Should -Be 1
        $result[0].PSObject.TypeNames[0] | Should -Be 'S3PreSignedUrl'
        $result[0].Url | Should -Match 'X-Amz-Signature=[0-9a-f]{64}'
        $result[0].Url | Should -BeLike "*X-Amz-Credential=$ExampleKeyId%2F*"
        $result[0].ExpiresAt | Should -BeExactly $when.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")
        $result[0].Bucket | Should -Be $Bucket
        $result[0].Key | Should -Be 'k'
        $result[0].Verb | Should -Be 'GET'
        $result[0].Region | Should -Be 'us-east-1'
    }

    It 'converts Local and Unspecified -Expires times to UTC (in a UTC+9 zone where tzdata has one)' {
        # Not skipped without tzdata (CI treats skips as failures): it then runs in the machine's zone.
        $tokyo = Test-Path '/usr/share/zoneinfo/Asia/Tokyo'
        try {
            if ($tokyo) {
                $env:TZ = 'Asia/Tokyo'   # UTC+9, no daylight saving: the conversion is visible
                [TimeZoneInfo]::ClearCachedData()
                [TimeZoneInfo]::Local.BaseUtcOffset | Should -Be ([timespan]::FromHours(9))
            }
            $utc = [datetime]::UtcNow.AddDays(1)
            $utc = [datetime]::new($utc.Year, $utc.Month, $utc.Day, $utc.Hour, $utc.Minute, $utc.Second, [DateTimeKind]::Utc)
            $local = $utc.ToLocalTime()

            $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -Expires $local
            $unspecified = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -Expires ([datetime]::SpecifyKind($local, 'Unspecified'))

            ConvertTo-TestInstant $result.ExpiresAt | Should -Be $utc
            ConvertTo-TestInstant $unspecified.ExpiresAt | Should -Be $utc
        } finally {
            Remove-Item env:TZ -ErrorAction Ignore
            [TimeZoneInfo]::ClearCachedData()
        }
    }

    It 'reproduces the signature of the AWS documentation example' {
        # docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html: GET examplebucket/test.txt,
        # 2013-05-24T00:00:00Z, 86400 s, us-east-1, the example keys, the global endpoint.
        $result = Get-S3PreSignedURL -Detailed -Bucket examplebucket -Key test.txt -EndpointUrl https://s3.amazonaws.com `
            -StartTime ([datetime]::new(2013, 5, 24, 0, 0, 0, [DateTimeKind]::Utc)) -ExpiresIn 86400 -Region us-east-1

        $result.Url | Should -Be ('https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
            '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z' +
            '&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
            '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404')
        $result.SignedAt | Should -BeExactly '2013-05-24T00:00:00Z'
        $result.ExpiresAt | Should -BeExactly '2013-05-25T00:00:00Z'
    }

    It 'is reproducible with -StartTime' {
        $start = [datetime]::UtcNow.Date.AddHours(1)
        $a = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -StartTime $start -ExpiresIn 1h
        $b = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -StartTime $start -ExpiresIn 1h
        $a.Url | Should -Be $b.Url
        (Get-UrlQuery $a.Url)['X-Amz-Date'] | Should -Be $start.ToString("yyyyMMdd'T'HHmmss'Z'")
    }

    It 'reads -ExpiresIn <Text> as <Seconds> seconds' -ForEach @(
        @{ Text = '90s'; Seconds = 90; Value = '90s' }
        @{ Text = '15m'; Seconds = 900; Value = '15m' }
        @{ Text = '12h'; Seconds = 43200; Value = '12h' }
        @{ Text = '1d12h'; Seconds = 129600; Value = '1d12h' }
        @{ Text = '3600 (int)'; Seconds = 3600; Value = 3600 }
        @{ Text = 'TimeSpan 00:20:00.9'; Seconds = 1200; Value = [timespan]::FromSeconds(1200.9) }
    ) {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ExpiresIn $Value
        $result.ExpiresInSeconds | Should -Be $Seconds
        (Get-UrlQuery $result.Url)['X-Amz-Expires'] | Should -Be "$Seconds"
        ((ConvertTo-TestInstant $result.ExpiresAt) - (ConvertTo-TestInstant $result.SignedAt)).TotalSeconds | Should -Be $Seconds
    }

    It 'reads -ExpiresIn 7d typed on the command line as 7 days, not the decimal 7' {
        # PowerShell parses the bare argument 7d as [decimal]7; the module recovers the typed text.
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ExpiresIn 7d
        $result.ExpiresInSeconds | Should -Be 604800
    }

    It 'defaults to a 1-hour URL' {
        (Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k).ExpiresInSeconds | Should -Be 3600
    }

    It 'signs a PUT with -ContentType and lists the header the uploader must send' {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key photo.jpg -Verb PUT -ContentType image/jpeg -ExpiresIn 15m
        $result.Verb | Should -Be 'PUT'
        $result.ContentType | Should -Be 'image/jpeg'
        $result.Headers | Should -Be 'Content-Type: image/jpeg'
        (Get-UrlQuery $result.Url)['X-Amz-SignedHeaders'] | Should -Be 'content-type%3Bhost'
    }

    It 'accepts -Verb <Verb> in any case' -ForEach @(
        @{ Verb = 'get' }, @{ Verb = 'Put' }, @{ Verb = 'HEAD' }, @{ Verb = 'delete' }
    ) {
        (Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -Verb $Verb).Verb | Should -Be $Verb.ToUpperInvariant()
    }

    It 'builds endpoints: <Name>' -ForEach @(
        @{ Name = 'path style'; Arguments = @{ ForcePathStyle = $true }; Prefix = 'https://s3.us-east-1.amazonaws.com/examplebucket/k?' }
        @{ Name = 'ForcePathStyleAddressing alias'; Arguments = @{ ForcePathStyleAddressing = $true }; Prefix = 'https://s3.us-east-1.amazonaws.com/examplebucket/k?' }
        @{ Name = 'HTTP'; Arguments = @{ Protocol = 'HTTP' }; Prefix = 'http://examplebucket.s3.us-east-1.amazonaws.com/k?' }
        @{ Name = 'accelerate'; Arguments = @{ UseAccelerateEndpoint = $true }; Prefix = 'https://examplebucket.s3-accelerate.amazonaws.com/k?' }
        @{ Name = 'dualstack'; Arguments = @{ UseDualstackEndpoint = $true }; Prefix = 'https://examplebucket.s3.dualstack.us-east-1.amazonaws.com/k?' }
        @{ Name = 'region'; Arguments = @{ Region = 'ap-southeast-2' }; Prefix = 'https://examplebucket.s3.ap-southeast-2.amazonaws.com/k?' }
        @{ Name = 'custom endpoint'; Arguments = @{ EndpointUrl = 'http://127.0.0.1:9000'; ForcePathStyle = $true }; Prefix = 'http://127.0.0.1:9000/examplebucket/k?' }
    ) {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k @Arguments
        $result.Url | Should -BeLike "$Prefix*"
    }

    It 'keeps keys exactly as given and percent-encodes them in the URL' {
        $key = 'reports/2025 Q1/übersicht+final.pdf'
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key $key
        $result.Key | Should -Be $key
        $result.Url | Should -BeLike 'https://examplebucket.s3.us-east-1.amazonaws.com/reports/2025%20Q1/%C3%BCbersicht%2Bfinal.pdf?*'
    }

    It 'signs several keys given to -Key' {
        $results = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key a.txt, b.txt
        $results.Key | Should -Be @('a.txt', 'b.txt')
    }

    It 'names a bad one of several keys given to -Key by its value, and signs the others' {
        $results = @(Get-S3PreSignedURL -Bucket $Bucket -Key a.txt, '', c.txt -ErrorVariable failures -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 2
        $results[1] | Should -BeLike '*/c.txt?*'
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'missing_key,Get-S3PreSignedURL'
        $failures[0].Exception.Message | Should -BeLike "-Key '': no key*-Key*"
    }

    It 'accepts the AWS.Tools.S3 parameter names -BucketName and -Expire' {
        $when = [datetime]::UtcNow.AddHours(2)
        $result = Get-S3PreSignedURL -Detailed -BucketName $Bucket -Key k -Expire $when
        $result.Bucket | Should -Be $Bucket
        ConvertTo-TestInstant $result.ExpiresAt | Should -Be ([datetime]::new($when.Ticks - $when.Ticks % [timespan]::TicksPerSecond, [DateTimeKind]::Utc))
    }

    It 'takes bucket and key by position' {
        (Get-S3PreSignedURL -Detailed $Bucket k).Url | Should -BeLike 'https://examplebucket.s3.us-east-1.amazonaws.com/k?*'
    }
}

Describe 'Pipeline input' {
    BeforeEach { $null = Reset-TestAws }   # each test starts from the standard environment

    It 'signs piped strings as keys, in order' {
        $results = 'a.txt', 'b.txt', 'c.txt' | Get-S3PreSignedURL -Detailed -Bucket $Bucket
        $results.Key | Should -Be @('a.txt', 'b.txt', 'c.txt')
        $results.Bucket | Should -Be @($Bucket, $Bucket, $Bucket)
    }

    It 'signs Get-S3Object output (BucketName, Key)' {
        $objects = @(
            [pscustomobject]@{ BucketName = 'bucket-one'; Key = 'x/1.txt'; Size = 10 }
            [pscustomobject]@{ BucketName = 'bucket-two'; Key = 'y/2.txt'; Size = 20 }
        )
        $results = $objects | Get-S3PreSignedURL -Detailed -ExpiresIn 7d
        $results.Bucket | Should -Be @('bucket-one', 'bucket-two')
        $results.Key | Should -Be @('x/1.txt', 'y/2.txt')
        $results[0].Url | Should -BeLike 'https://bucket-one.s3.us-east-1.amazonaws.com/x/1.txt?*'
        $results[1].Url | Should -BeLike 'https://bucket-two.s3.us-east-1.amazonaws.com/y/2.txt?*'
    }

    It 'signs Import-Csv rows with Bucket, Key and VersionId columns' {
        $csv = Join-Path $TestDrive 'keys.csv'
        Write-TestFile $csv @(
            'Bucket,Key,VersionId'
            'bucket-one,a.txt,'
            'bucket-two,b.txt,3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY'
        )
        $results = Import-Csv $csv | Get-S3PreSignedURL -Detailed
        $results.Count | Should -Be 2
        $results[0].Bucket | Should -Be 'bucket-one'
        $results[0].VersionId | Should -BeNullOrEmpty
        $results[0].Url | Should -Not -Match 'versionId='
        $results[1].VersionId | Should -Be '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY'
        (Get-UrlQuery $results[1].Url)['versionId'] | Should -Be '3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY'
    }

    It 'signs objects with Bucket, Key and VersionId properties, the version in the URL' {
        $objects = @(
            [pscustomobject]@{ Bucket = $Bucket; Key = 'v.txt'; VersionId = 'v1' }
            [pscustomobject]@{ Bucket = $Bucket; Key = 'w.txt' }
            [pscustomobject]@{ Bucket = $Bucket; Key = 'v.txt'; VersionId = 'v2' }
        )
        $results = $objects | Get-S3PreSignedURL -Detailed
        $results.Key | Should -Be @('v.txt', 'w.txt', 'v.txt')
        (Get-UrlQuery $results[0].Url)['versionId'] | Should -Be 'v1'
        # The pipeline-bound VersionId of the first object must not stick to the second.
        $results[1].VersionId | Should -BeNullOrEmpty
        (Get-UrlQuery $results[1].Url).ContainsKey('versionId') | Should -Be $false
        (Get-UrlQuery $results[2].Url)['versionId'] | Should -Be 'v2'
    }

    It 'lets -Bucket on the command line serve piped keys from objects without a bucket' {
        $results = [pscustomobject]@{ Key = 'p.txt' } | Get-S3PreSignedURL -Detailed -Bucket $Bucket
        $results.Bucket | Should -Be $Bucket
    }

    It 'signs -VersionId given on the command line' {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -VersionId 'abc/def'
        (Get-UrlQuery $result.Url)['versionId'] | Should -Be 'abc%2Fdef'
    }
}

Describe 'Output' {
    BeforeEach { $null = Reset-TestAws }   # each test starts from the standard environment

    It '-AsString emits bare URL strings' {
        $urls = 'a.txt', 'b.txt' | Get-S3PreSignedURL -Bucket $Bucket -AsString
        $urls.Count | Should -Be 2
        foreach ($url in $urls) {
            $url | Should -BeOfType [string]
            $url | Should -Match '^https://examplebucket\.s3\.us-east-1\.amazonaws\.com/[ab]\.txt\?.*X-Amz-Signature='
        }
    }

    It 'has flat properties with ISO 8601 UTC instants' {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ExpiresIn 2h
        $result.PSObject.Properties.Name | Should -Be @('Bucket', 'Key', 'Verb', 'Url', 'ExpiresAt', 'EffectiveExpiresAt',
            'CredentialExpiresAt', 'SignedAt', 'ExpiresInSeconds', 'Region', 'VersionId', 'ContentType', 'Headers',
            'UploadId', 'PartNumber', 'Curl', 'InvokeWebRequest')
        foreach ($name in 'ExpiresAt', 'EffectiveExpiresAt', 'SignedAt') {
            $result.$name | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$' -Because "$name is UTC"
        }
        $result.CredentialExpiresAt | Should -BeNullOrEmpty -Because 'long-term keys do not expire'
        $result.EffectiveExpiresAt | Should -Be $result.ExpiresAt
        $result.Headers | Should -BeExactly ''
        ([datetime]::UtcNow - (ConvertTo-TestInstant $result.SignedAt)).Duration().TotalMinutes | Should -BeLessThan 5
    }

    It 'shows a default list view that never cuts the URL, even in a narrow console' {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k
        $text = $result | Out-String -Width 60
        $text | Should -Not -Match 'SignedAt'
        $text | Should -Match 'EffectiveExpiresAt : \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'
        $text | Should -Not -Match '…|\.\.\.'
        ($text -replace '\s', '') | Should -BeLike "*$($result.Url)*"
    }

    It 'exports to CSV as flat columns' {
        $path = Join-Path $TestDrive 'links.csv'
        'a.txt', 'b.txt' | Get-S3PreSignedURL -Detailed -Bucket $Bucket -Verb PUT -ContentType text/plain | Export-Csv -Path $path
        $rows = Import-Csv $path
        $rows.Count | Should -Be 2
        $rows[0].PSObject.Properties.Name | Should -Be @('Bucket', 'Key', 'Verb', 'Url', 'ExpiresAt', 'EffectiveExpiresAt',
            'CredentialExpiresAt', 'SignedAt', 'ExpiresInSeconds', 'Region', 'VersionId', 'ContentType', 'Headers',
            'UploadId', 'PartNumber', 'Curl', 'InvokeWebRequest')
        (Get-Content -Raw $path) | Should -Not -Match 'System\.'
        $rows[1].Key | Should -Be 'b.txt'
        $rows[1].Url | Should -Match 'X-Amz-Signature='
        $rows[1].Headers | Should -Be 'Content-Type: text/plain'
    }

    It 'round-trips through ConvertTo-Json' {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -VersionId v1
        $json = $result | ConvertTo-Json
        $json | Should -Match '"ExpiresAt":\s*"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"'
        $back = $json | ConvertFrom-Json
        $back.PSObject.Properties.Name | Should -Be $result.PSObject.Properties.Name
        foreach ($name in 'Bucket', 'Key', 'Verb', 'Url', 'ExpiresInSeconds', 'Region', 'VersionId', 'ContentType', 'Headers') {
            $back.$name | Should -Be $result.$name -Because $name
        }
        $back.ExpiresAt | Should -Be (ConvertTo-TestInstant $result.ExpiresAt) -Because 'ConvertFrom-Json reads the ISO 8601 instant back'
    }
}

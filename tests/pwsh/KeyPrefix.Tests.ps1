# Get-S3PreSignedURL -KeyPrefix: s3presign lists a prefix (ListObjectsV2, against the S3 test server that
# tests/pester.rs starts) and signs every object it finds, with Write-Progress on the way.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
    $s3 = Get-TestServer
    $skipReason = $s3.SkipReason
    if (-not $skipReason) {
        $null = Reset-TestAws
        $server = $s3.Parameters
        # Objects written straight into the server's folder: s3s-fs keeps each object as a file.
        $prefix = "listing-$([guid]::NewGuid())/"
        $objects = [ordered]@{ 'a.txt' = 'first'; 'dir/b c.txt' = 'second, with a space'; 'dir/ü+%.txt' = 'third, awkward' }
        foreach ($name in $objects.Keys) {
            $path = Join-Path $s3.Root $s3.Bucket ($prefix + $name)
            $null = New-Item -ItemType Directory -Force -Path (Split-Path $path)
            [System.IO.File]::WriteAllText($path, $objects[$name])
        }
    }
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'Get-S3PreSignedURL -KeyPrefix' {
    BeforeEach {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
    }

    It 'signs every object under the prefix, as strings that fetch their bytes' {
        $urls = @(Get-S3PreSignedURL -BucketName $s3.Bucket -KeyPrefix $prefix @server)
        $urls.Count | Should -Be $objects.Count
        $urls | ForEach-Object { $_ | Should -BeOfType [string] }
        $bodies = foreach ($url in $urls) {
            $response = Invoke-WebRequest -Uri $url -NoProxy -SkipHttpErrorCheck
            $response.StatusCode | Should -Be 200 -Because $url
            [System.Text.Encoding]::UTF8.GetString($response.RawContentStream.ToArray())
        }
        ($bodies | Sort-Object) | Should -Be ($objects.Values | Sort-Object)
    }

    It 'gives -Detailed objects with each listed key' {
        $results = @(Get-S3PreSignedURL -BucketName $s3.Bucket -KeyPrefix $prefix -ExpiresIn 10m -Detailed @server)
        ($results.Key | Sort-Object) | Should -Be (@($objects.Keys | ForEach-Object { $prefix + $_ }) | Sort-Object)
        $results | ForEach-Object { $_.ExpiresInSeconds | Should -Be 600; $_.Bucket | Should -Be $s3.Bucket }
    }

    It 'shows progress while listing and completes it' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Manifest, $Bucket, $Prefix, $Server)
                    Import-Module $Manifest
                    Get-S3PreSignedURL -BucketName $Bucket -KeyPrefix $Prefix @Server
                }).AddParameters(@{ Manifest = $ModuleManifest; Bucket = $s3.Bucket; Prefix = $prefix; Server = $server })
            $urls = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $urls.Count | Should -Be $objects.Count
            $records = @($ps.Streams.Progress | Where-Object Activity -EQ "Signing every object under s3://$($s3.Bucket)/$prefix")
            $records.Count | Should -BeGreaterOrEqual 2
            $records[0].StatusDescription | Should -Be '0 objects signed so far'
            $records[-1].RecordType | Should -Be 'Completed'
        } finally { $ps.Dispose() }
    }

    It 'signs nothing and reports nothing for an empty prefix' {
        $results = @(Get-S3PreSignedURL -BucketName $s3.Bucket -KeyPrefix "nothing-here-$([guid]::NewGuid())/" @server -ErrorVariable failed)
        $results.Count | Should -Be 0
        $failed | Should -BeNullOrEmpty
    }

    It 'stops with listing_failed for a bucket that does not exist' {
        { Get-S3PreSignedURL -BucketName 'no-such-bucket-here' -KeyPrefix '' @server } |
            Should -Throw -ErrorId 'listing_failed,Get-S3PreSignedURL'
    }

    It 'refuses -KeyPrefix with <What>, naming the parameters' -ForEach @(
        @{ What = '-Key'; Script = { Get-S3PreSignedURL -BucketName b -Key k -KeyPrefix p/ -AccessKey AKIDEXAMPLE -SecretKey example } }
        @{ What = 'pipeline input'; Script = { 'k' | Get-S3PreSignedURL -BucketName b -KeyPrefix p/ -AccessKey AKIDEXAMPLE -SecretKey example } }
        @{ What = 'no -BucketName'; Script = { Get-S3PreSignedURL -KeyPrefix p/ -AccessKey AKIDEXAMPLE -SecretKey example } }
        @{ What = '-VersionId'; Script = { Get-S3PreSignedURL -BucketName b -KeyPrefix p/ -VersionId v1 -AccessKey AKIDEXAMPLE -SecretKey example } }
    ) {
        $err = { & $Script } | Should -Throw -ErrorId 'usage,Get-S3PreSignedURL' -PassThru
        $err.Exception.Message | Should -BeLike '*-KeyPrefix*-BucketName*'
    }

    It 'says -KeyPrefix, not --recursive, when the verb cannot be listed' {
        $err = { Get-S3PreSignedURL -BucketName $s3.Bucket -KeyPrefix $prefix -Verb PUT @server } | Should -Throw -ErrorId 'usage,Get-S3PreSignedURL' -PassThru
        $err.Exception.Message | Should -BeLike '*-Verb PUT*-KeyPrefix*'
        $err.Exception.Message | Should -Not -BeLike '*--*'
    }
}

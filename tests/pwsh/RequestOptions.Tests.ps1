# Get-S3PreSignedURL -Detailed's optional request parts: download overrides, multipart uploads and the
# headers a PUT signs. Offline, with the example keys; the binary's tests use a real server.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'Request options' {
    BeforeEach { $null = Reset-TestAws }

    It 'signs a download-as name with the AWS.Tools parameter name' {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key r.pdf -ResponseHeaderOverrides_ContentDisposition 'attachment; filename="Q1 report.pdf"'
        [uri]::UnescapeDataString((Get-UrlQuery $result.Url)['response-content-disposition']) | Should -Be 'attachment; filename="Q1 report.pdf"'
    }

    It 'signs a multipart part and the completion' {
        $part = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.bin -Verb PUT -UploadId 'upload-1' -PartNumber 3
        $query = Get-UrlQuery $part.Url
        $query['partNumber'] | Should -Be '3'
        $query['uploadId'] | Should -Be 'upload-1'
        $complete = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.bin -Verb POST -UploadId 'upload-1'
        $complete.Verb | Should -Be 'POST'
        (Get-UrlQuery $complete.Url)['uploadId'] | Should -Be 'upload-1'
    }

    It 'lists the signed PUT headers the uploader must send' {
        $result = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key in/a.csv -Verb PUT -ContentType text/csv `
            -ServerSideEncryption AES256 -StorageClass STANDARD_IA -Metadata @{ owner = 'ops' } -RequesterPays
        foreach ($expected in 'Content-Type: text/csv', 'x-amz-server-side-encryption: AES256',
            'x-amz-storage-class: STANDARD_IA', 'x-amz-meta-owner: ops', 'x-amz-request-payer: requester') {
            $result.Headers | Should -BeLike "*$expected*"
        }
        (Get-UrlQuery $result.Url)['X-Amz-SignedHeaders'] | Should -BeLike '*x-amz-meta-owner*'
    }

    It 'refuses an option its verb cannot have with an error record for each item, naming the parameter' {
        $results = @('a', 'b' | Get-S3PreSignedURL -Detailed -Bucket $Bucket -StorageClass STANDARD_IA -ErrorVariable failed -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 0
        $failed.Count | Should -Be 2
        $failed.FullyQualifiedErrorId | Should -Be @('option_not_for_verb,Get-S3PreSignedURL', 'option_not_for_verb,Get-S3PreSignedURL')
        $failed[1].Exception.Message | Should -Match '^input object 2: -StorageClass is not an option of GetObject'
    }

    It 'signs the other items when one cannot be signed, with the option on each' {
        $results = @('a', ('k' * 1025), 'c' | Get-S3PreSignedURL -Detailed -Bucket $Bucket -Verb PUT -StorageClass STANDARD_IA -ErrorVariable failed -ErrorAction SilentlyContinue)
        $results.Key | Should -Be @('a', 'c')
        $results | ForEach-Object { $_.Url | Should -Match 'X-Amz-SignedHeaders=host%3Bx-amz-storage-class' }
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'invalid_key,Get-S3PreSignedURL'
    }
}

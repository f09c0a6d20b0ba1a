# The URLs used as a customer would, with Invoke-WebRequest, against an S3 server that checks SigV4.
# tests/pester.rs starts an s3s test server on 127.0.0.1 and sets S3PRESIGN_TEST_ENDPOINT,
# S3PRESIGN_TEST_ACCESS_KEY, S3PRESIGN_TEST_SECRET_KEY, S3PRESIGN_TEST_BUCKET (a bucket holding
# hello.txt = "hello world") and S3PRESIGN_TEST_ROOT. Without them these tests are skipped, except under
# CI, where they fail.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    # The server's settings (Get-TestServer: under CI a missing server is a failure, not a skip).
    $s3 = Get-TestServer
    $skipReason = $s3.SkipReason
    if (-not $skipReason) {
        $null = Reset-TestAws
        $testBucket = $s3.Bucket
        $server = $s3.Parameters   # everything a URL for the test server needs
    }

    function Invoke-Url {
        # One HTTP request to the local test server; returns status and body, never throws on 4xx.
        param([string]$Method = 'GET', [string]$Url, [byte[]]$Body, [string]$ContentType)
        $arguments = @{ Method = $Method; Uri = $Url; NoProxy = $true; SkipHttpErrorCheck = $true; TimeoutSec = 30 }
        if ($PSBoundParameters.ContainsKey('Body')) { $arguments.Body = $Body }
        if ($ContentType) { $arguments.ContentType = $ContentType }
        $response = Invoke-WebRequest @arguments
        [pscustomobject]@{
            Status  = [int]$response.StatusCode
            Body    = [System.Text.Encoding]::UTF8.GetString($response.RawContentStream.ToArray())
            Headers = $response.Headers
        }
    }
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'End to end against an S3 test server' {
    BeforeEach {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
    }

    It 'downloads hello.txt with a GET URL' {
        $link = Get-S3PreSignedURL -Detailed -Bucket $testBucket -Key hello.txt -ExpiresIn 5m @server
        $response = Invoke-Url -Url $link.Url
        $response.Status | Should -Be 200 -Because $response.Body
        $response.Body | Should -Be 'hello world'
    }

    It 'checks hello.txt with a HEAD URL' {
        $link = Get-S3PreSignedURL -Detailed -Bucket $testBucket -Key hello.txt -Verb HEAD @server
        $response = Invoke-Url -Method HEAD -Url $link.Url
        $response.Status | Should -Be 200
        "$($response.Headers['Content-Length'])" | Should -Be '11'
    }

    It 'uploads with a PUT URL and -ContentType, then downloads the upload' {
        $key = "uploads/pester-$([guid]::NewGuid()).txt"
        $put = Get-S3PreSignedURL -Detailed -Bucket $testBucket -Key $key -Verb PUT -ContentType text/plain -ExpiresIn 5m @server
        $put.Headers | Should -Be 'Content-Type: text/plain'

        $upload = Invoke-Url -Method PUT -Url $put.Url -Body ([System.Text.Encoding]::UTF8.GetBytes('uploaded by pester')) -ContentType 'text/plain'
        $upload.Status | Should -Be 200 -Because $upload.Body

        $download = Invoke-Url -Url (Get-S3PreSignedURL -Bucket $testBucket -Key $key @server -AsString)
        $download.Status | Should -Be 200
        $download.Body | Should -Be 'uploaded by pester'
    }

    It 'refuses a PUT that sends another Content-Type than the one signed' {
        $put = Get-S3PreSignedURL -Detailed -Bucket $testBucket -Key "uploads/wrong-type-$([guid]::NewGuid()).bin" -Verb PUT -ContentType image/png @server
        $response = Invoke-Url -Method PUT -Url $put.Url -Body ([byte[]](1, 2, 3)) -ContentType 'text/plain'
        $response.Status | Should -Be 403
    }

    It 'deletes with a DELETE URL' {
        $key = "uploads/delete-me-$([guid]::NewGuid()).txt"
        $put = Get-S3PreSignedURL -Detailed -Bucket $testBucket -Key $key -Verb PUT @server
        (Invoke-Url -Method PUT -Url $put.Url -Body ([byte[]](65))).Status | Should -Be 200
        $delete = Get-S3PreSignedURL -Detailed -Bucket $testBucket -Key $key -Verb DELETE @server
        (Invoke-Url -Method DELETE -Url $delete.Url).Status | Should -Be 204
        (Invoke-Url -Url (Get-S3PreSignedURL -Bucket $testBucket -Key $key @server -AsString)).Status | Should -Be 404
    }

    It 'gets 403 for a tampered URL' {
        $url = Get-S3PreSignedURL -Bucket $testBucket -Key hello.txt @server -AsString
        (Invoke-Url -Url $url).Status | Should -Be 200 -Because 'the untouched URL works'

        # Another signature (the last hex digit changed), and the same signature for another key.
        $signature = (Get-UrlQuery $url)['X-Amz-Signature']
        $last = $signature[-1]
        $other = if ($last -eq '0') { '1' } else { '0' }
        $tampered = $url.Replace("X-Amz-Signature=$signature", "X-Amz-Signature=$($signature.Substring(0, 63))$other")
        (Invoke-Url -Url $tampered).Status | Should -Be 403
        (Invoke-Url -Url $url.Replace('/hello.txt?', '/hello.txx?')).Status | Should -Be 403
    }

    It 'gets 403 for a URL whose time is up' {
        $url = Get-S3PreSignedURL -Bucket $testBucket -Key hello.txt -StartTime ([datetime]::UtcNow.AddHours(-2)) -ExpiresIn 1h @server -AsString
        (Invoke-Url -Url $url).Status | Should -Be 403
    }

    It 'gets 403 for a URL signed with another secret' {
        $arguments = $server.Clone()
        $arguments.SecretKey = 'not-the-secret-' + $server.SecretKey
        $url = Get-S3PreSignedURL -Bucket $testBucket -Key hello.txt @arguments -AsString
        (Invoke-Url -Url $url).Status | Should -Be 403
    }

    It 'serves every URL of a piped batch' {
        $links = 1..20 | ForEach-Object { [pscustomobject]@{ BucketName = $testBucket; Key = 'hello.txt' } } |
            Get-S3PreSignedURL -Detailed -ExpiresIn 10m @server
        $links.Count | Should -Be 20
        foreach ($link in $links) {
            $response = Invoke-Url -Url $link.Url
            $response.Status | Should -Be 200
            $response.Body | Should -Be 'hello world'
        }
    }
}

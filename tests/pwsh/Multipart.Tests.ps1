# Multipart uploads with Get-S3PreSignedURL -Detailed: part URLs in one call (-PartNumber 1..N) or from a pipeline of
# part numbers, each URL carrying its UploadId and PartNumber; bad part numbers as per-item errors. Then a
# whole upload against the S3 test server (see tests/pester.rs): created, uploaded part by part through the
# URLs, completed, and the stored object compared byte for byte.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    function Get-PartQuery([object]$Result) {
        # partNumber and uploadId as the URL has them.
        $query = Get-UrlQuery $Result.Url
        [pscustomobject]@{ PartNumber = $query['partNumber']; UploadId = [uri]::UnescapeDataString($query['uploadId']) }
    }
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'Part URLs' {
    BeforeEach { $null = Reset-TestAws }

    It 'signs one URL per -PartNumber, in order, each with its PartNumber and UploadId' {
        $results = @(Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.iso -Verb PUT -UploadId 'up/1+x' -PartNumber (1..5))
        $results.Count | Should -Be 5
        $results.PartNumber | Should -Be @(1, 2, 3, 4, 5)
        $results[0].PartNumber | Should -BeOfType [int]
        $results.UploadId | Should -Be @('up/1+x', 'up/1+x', 'up/1+x', 'up/1+x', 'up/1+x')
        foreach ($result in $results) {
            $query = Get-PartQuery $result
            $query.PartNumber | Should -Be "$($result.PartNumber)" -Because 'the property says which part the URL uploads'
            $query.UploadId | Should -Be 'up/1+x'
            $result.Key | Should -Be 'big.iso'
            $result.Verb | Should -Be 'PUT'
        }
        @($results.Url | Select-Object -Unique).Count | Should -Be 5
    }

    It 'signs a pipeline of part numbers, with -Key on the command line' {
        $results = @(3, 1, 2 | Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.iso -Verb PUT -UploadId U1)
        $results.PartNumber | Should -Be @(3, 1, 2)
        (Get-PartQuery $results[0]).PartNumber | Should -Be '3'
        (Get-PartQuery $results[2]).PartNumber | Should -Be '2'
        $results.UploadId | Should -Be @('U1', 'U1', 'U1')
    }

    It 'takes part numbers from the PartNumber property of piped objects (CSV rows) with -UploadId' {
        $csv = Join-Path $TestDrive 'parts.csv'
        Write-TestFile $csv @('Key,PartNumber', 'a.bin,2', 'b.bin,7')
        $results = @(Import-Csv $csv | Get-S3PreSignedURL -Detailed -Bucket $Bucket -Verb PUT -UploadId U2)
        $results.Key | Should -Be @('a.bin', 'b.bin')
        $results.PartNumber | Should -Be @(2, 7)
        (Get-PartQuery $results[1]).PartNumber | Should -Be '7'
    }

    It 'signs 10,000 piped part numbers in order (more than the request window holds)' {
        $results = 1..10000 | Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.iso -Verb PUT -UploadId U3
        $results.Count | Should -Be 10000
        # Every property matches its URL, all along (the numbers are kept per line while results stream back).
        $mismatched = @(for ($i = 0; $i -lt 10000; $i++) {
                if ($results[$i].PartNumber -ne $i + 1 -or -not $results[$i].Url.Contains("?partNumber=$($i + 1)&")) { $i }
            })
        $mismatched | Should -BeNullOrEmpty
    }

    It 'keeps the PartNumber of parts whose URLs sign headers too' {
        $results = @(1, 2 | Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.iso -Verb PUT -UploadId U4 -ContentMD5 '1B2M2Y8AsgTpgAmY7PhCfg==')
        $results.PartNumber | Should -Be @(1, 2)
        $results.Headers | Should -Be @('Content-MD5: 1B2M2Y8AsgTpgAmY7PhCfg==', 'Content-MD5: 1B2M2Y8AsgTpgAmY7PhCfg==')
        (Get-PartQuery $results[1]).PartNumber | Should -Be '2'
    }

    It 'emits the part URLs as strings, in order, with -AsString' {
        $urls = @(Get-S3PreSignedURL -Bucket $Bucket -Key big.iso -Verb PUT -UploadId U5 -PartNumber 2, 4 -AsString)
        $urls.Count | Should -Be 2
        $urls[0] | Should -BeOfType [string]
        $urls[0] | Should -Match '\?partNumber=2&uploadId=U5&'
        $urls[1] | Should -Match '\?partNumber=4&uploadId=U5&'
    }

    It 'gives the completion and abort URLs their UploadId, and other URLs none' {
        $complete = @(Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.iso -Verb POST -UploadId U6 -ErrorVariable failed)
        $complete.Count | Should -Be 1
        $complete[0].Url | Should -Match 'uploadId=U6&.*X-Amz-Signature='
        $complete[0].UploadId | Should -Be 'U6'
        $complete[0].PartNumber | Should -BeNullOrEmpty
        $abort = @(Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.iso -Verb DELETE -UploadId U6 -ErrorVariable +failed)
        $abort.Count | Should -Be 1
        $abort[0].UploadId | Should -Be 'U6'
        $plain = @(Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.iso -ErrorVariable +failed)
        $plain.Count | Should -Be 1
        $plain[0].Url | Should -Match 'X-Amz-Signature='
        $plain[0].UploadId | Should -BeNullOrEmpty
        $plain[0].PartNumber | Should -BeNullOrEmpty
        $failed | Should -BeNullOrEmpty
    }

    It 'signs piped numbers as keys without -UploadId or -Key' {
        $results = @(1..3 | Get-S3PreSignedURL -Detailed -Bucket $Bucket)
        $results.Key | Should -Be @('1', '2', '3')
        $results.PartNumber | Should -Be @($null, $null, $null)
        $results[0].Url | Should -Not -Match 'partNumber='
    }

    It 'takes Get-S3Object output and key strings in an upload pipeline' {
        # POST completes an upload: the key may come from the pipeline, as for any other request.
        $results = @([pscustomobject]@{ BucketName = $Bucket; Key = 'obj.iso' }, 'text.iso' |
                Get-S3PreSignedURL -Detailed -Bucket $Bucket -Verb POST -UploadId U7)
        $results.Key | Should -Be @('obj.iso', 'text.iso')
        $results.UploadId | Should -Be @('U7', 'U7')
        $results.PartNumber | Should -Be @($null, $null)
    }
}

Describe 'Bad part numbers' {
    BeforeEach { $null = Reset-TestAws }

    It 'reports <Bad> as an invalid_multipart error for that part only' -ForEach @(
        @{ Bad = 0 }, @{ Bad = 10001 }, @{ Bad = -3 }, @{ Bad = 'x' }, @{ Bad = 2.5 }
    ) {
        $results = @(1, $Bad, 2 | Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.iso -Verb PUT -UploadId U1 -ErrorVariable failures -ErrorAction SilentlyContinue)
        $results.PartNumber | Should -Be @(1, 2)
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'invalid_multipart,Get-S3PreSignedURL'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].TargetObject | Should -Be $Bad
    }

    It 'reports bad numbers given to -PartNumber with the number as TargetObject, and signs the rest' {
        $results = @(Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.iso -Verb PUT -UploadId U1 -PartNumber 0, 1, 10000, 10001 -ErrorVariable failures -ErrorAction SilentlyContinue)
        $results.PartNumber | Should -Be @(1, 10000)
        $failures.Count | Should -Be 2
        $failures.FullyQualifiedErrorId | Should -Be @('invalid_multipart,Get-S3PreSignedURL', 'invalid_multipart,Get-S3PreSignedURL')
        $failures.TargetObject | Should -Be @(0, 10001)
        # Named by the value given to -PartNumber, not as "input object 1": nothing was piped.
        $failures[1].Exception.Message | Should -BeLike '-PartNumber 10001: *10001*'
        $failures[0].Exception.Message | Should -BeLike '-PartNumber 0: *'
    }

    It 'reports part numbers without an upload as invalid_multipart' {
        $null = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.iso -Verb PUT -PartNumber 1, 2 -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 2
        $failures[0].FullyQualifiedErrorId | Should -Be 'invalid_multipart,Get-S3PreSignedURL'
        $failures[0].Exception.Message | Should -Match '-PartNumber needs the -UploadId'
    }

    It 'reports piped part numbers without -Key as missing_key, the number as TargetObject' {
        $results = 1, 2 | Get-S3PreSignedURL -Detailed -Bucket $Bucket -Verb PUT -UploadId U1 -ErrorVariable failures -ErrorAction SilentlyContinue
        $results | Should -BeNullOrEmpty
        $failures.FullyQualifiedErrorId | Should -Be @('missing_key,Get-S3PreSignedURL', 'missing_key,Get-S3PreSignedURL')
        $failures.TargetObject | Should -Be @(1, 2)
    }
}

Describe 'One s3presign for all the parts' -Skip:$IsWindows {
    BeforeEach {
        $null = Reset-TestAws
        $counter = Join-Path $TestDrive "starts-$([guid]::NewGuid()).txt"
        $stdinCopy = Join-Path $TestDrive "stdin-$([guid]::NewGuid()).jsonl"
        $env:S3PRESIGN_BIN = New-TestWrapper 'parts.sh' "echo `$`$ >> '$counter'; tee '$stdinCopy' | `"`$REAL`" `"`$@`""
    }

    It 'uses one process and one request line per part for -PartNumber (1..200)' {
        $results = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.iso -Verb PUT -UploadId U1 -PartNumber (1..200)
        $results.Count | Should -Be 200
        @(Get-Content $counter).Count | Should -Be 1
        $lines = @(Get-Content $stdinCopy | ConvertFrom-Json)
        $lines.Count | Should -Be 200
        $lines[0].part_number | Should -Be 1
        $lines[199].part_number | Should -Be 200
        $lines[199].key | Should -Be 'big.iso'
    }

    It 'uses one process for a pipeline of 200 part numbers' {
        $results = 1..200 | Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key big.iso -Verb PUT -UploadId U1
        $results.Count | Should -Be 200
        @(Get-Content $counter).Count | Should -Be 1
        @(Get-Content $stdinCopy).Count | Should -Be 200
    }
}

Describe 'A multipart upload end to end against an S3 test server' {
    BeforeAll {
        $s3 = Get-TestServer

        function New-Upload([string]$Key) {
            # CreateMultipartUpload, the one call to S3 (s3presign multipart create), with the server's keys.
            $saved = $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY
            $env:AWS_ACCESS_KEY_ID = $s3.AccessKey
            $env:AWS_SECRET_ACCESS_KEY = $s3.SecretKey
            try {
                $id = & $RealBinary multipart create --bucket $s3.Bucket --key $Key --endpoint-url $s3.Endpoint --path-style --region us-east-1
                $LASTEXITCODE | Should -Be 0 -Because 'the upload is created'
                $id
            } finally {
                $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY = $saved
            }
        }

        function Send-Part([object]$Part, [byte[]]$Bytes) {
            # Uploads one part through its URL; returns its ETag, which the completion lists.
            $response = Invoke-WebRequest -Method Put -Uri $Part.Url -Body $Bytes -NoProxy -SkipHttpErrorCheck -TimeoutSec 60
            [int]$response.StatusCode | Should -Be 200 -Because "part $($Part.PartNumber) is accepted: $($response.Content)"
            "$($response.Headers['ETag'])"
        }

        function Complete-Upload([string]$Key, [string]$UploadId, [System.Collections.IDictionary]$ETags) {
            # POSTs the parts list to the completion URL, as an uploader without credentials would.
            $xml = ($ETags.Keys | Sort-Object | ForEach-Object { "<Part><PartNumber>$_</PartNumber><ETag>$($ETags[$_])</ETag></Part>" }) -join ''
            $complete = Get-S3PreSignedURL -Detailed -Bucket $s3.Bucket -Key $Key -Verb POST -UploadId $UploadId @parameters
            Invoke-WebRequest -Method Post -Uri $complete.Url -Body "<CompleteMultipartUpload>$xml</CompleteMultipartUpload>" `
                -ContentType 'application/xml' -NoProxy -SkipHttpErrorCheck -TimeoutSec 60
        }

        function Split-Bytes([byte[]]$Bytes, [int]$PartSize) {
            # $Bytes in parts of $PartSize bytes (the last shorter): part N is item N - 1.
            $parts = [System.Collections.Generic.List[byte[]]]::new()
            for ($offset = 0; $offset -lt $Bytes.Length; $offset += $PartSize) {
                $part = [byte[]]::new([Math]::Min($PartSize, $Bytes.Length - $offset))
                [Array]::Copy($Bytes, $offset, $part, 0, $part.Length)
                $parts.Add($part)
            }
            , $parts
        }
    }

    BeforeEach {
        if ($s3.SkipReason) { Set-ItResult -Skipped -Because $s3.SkipReason }
        $null = Reset-TestAws
        $parameters = $s3.Parameters
    }

    It 'uploads a file through URLs for a pipeline of part numbers, completes it, and S3 stores exactly the file' {
        $key = "multipart/piped-$([guid]::NewGuid()).bin"
        $file = New-TestBytes -Size (10MB + 1234) -Seed 11
        $parts = Split-Bytes $file 5MB   # S3's minimum for every part but the last
        $parts.Count | Should -Be 3
        $uploadId = New-Upload $key

        $urls = @(1..3 | Get-S3PreSignedURL -Detailed -Bucket $s3.Bucket -Key $key -Verb PUT -UploadId $uploadId -ExpiresIn 10m @parameters)
        $urls.PartNumber | Should -Be @(1, 2, 3)
        $urls.UploadId | Should -Be @($uploadId, $uploadId, $uploadId)

        $etags = @{}
        foreach ($url in $urls) { $etags[$url.PartNumber] = Send-Part $url $parts[$url.PartNumber - 1] }
        Get-StoredObject $s3 $key | Should -BeNullOrEmpty -Because 'nothing is stored before the completion'

        $done = Complete-Upload $key $uploadId $etags
        [int]$done.StatusCode | Should -Be 200 -Because $done.Content
        $stored = Get-StoredObject $s3 $key
        $stored.Length | Should -Be $file.Length
        [System.Linq.Enumerable]::SequenceEqual($stored, $file) | Should -Be $true -Because 'the parts are stored in part-number order'
    }

    It 'uploads parts in any order through the URLs of -PartNumber (1..N), each found by its PartNumber' {
        $key = "multipart/numbers-$([guid]::NewGuid()).bin"
        $file = New-TestBytes -Size (10MB + 99) -Seed 12
        $parts = Split-Bytes $file 5MB
        $uploadId = New-Upload $key

        $urls = Get-S3PreSignedURL -Detailed -Bucket $s3.Bucket -Key $key -Verb PUT -UploadId $uploadId -PartNumber (1..$parts.Count) @parameters
        $etags = @{}
        foreach ($url in $urls | Sort-Object PartNumber -Descending) { $etags[$url.PartNumber] = Send-Part $url $parts[$url.PartNumber - 1] }

        $done = Complete-Upload $key $uploadId $etags
        [int]$done.StatusCode | Should -Be 200 -Because $done.Content
        [System.Linq.Enumerable]::SequenceEqual((Get-StoredObject $s3 $key), $file) | Should -Be $true
    }

    It 'refuses a part sent to the URL of another upload' {
        $key = "multipart/other-$([guid]::NewGuid()).bin"
        $uploadId = New-Upload $key
        $url = Get-S3PreSignedURL -Detailed -Bucket $s3.Bucket -Key $key -Verb PUT -UploadId $uploadId -PartNumber 1 @parameters
        $forged = $url.Url.Replace("uploadId=$([uri]::EscapeDataString($uploadId))", 'uploadId=not-this-one')
        $forged | Should -Not -Be $url.Url
        $response = Invoke-WebRequest -Method Put -Uri $forged -Body ([byte[]](1, 2, 3)) -NoProxy -SkipHttpErrorCheck -TimeoutSec 30
        [int]$response.StatusCode | Should -Be 403 -Because 'the upload ID is part of the signature'
    }
}

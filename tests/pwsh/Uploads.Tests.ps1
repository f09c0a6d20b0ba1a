# New-S3PreSignedPost (s3presign post: browser and form uploads) and ConvertFrom-S3PreSignedURL
# (s3presign inspect: reading shared links back), from module/S3PreSign.Uploads.ps1.
# The end-to-end Describes need the S3 test server that tests/pester.rs starts (S3PRESIGN_TEST_*): without
# it those tests are skipped, except under CI, where they fail.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    function ConvertFrom-PolicyField([string]$Policy) {
        # The policy form field: base64 of the JSON policy document.
        [System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String($Policy)) | ConvertFrom-Json
    }

    function Get-ConditionJson([object[]]$Conditions) {
        # Each policy condition as compact JSON, for comparing with -Contain.
        foreach ($condition in $Conditions) { ConvertTo-Json -InputObject $condition -Compress -Depth 5 }
    }

    function Get-Tampered([string]$Url) {
        # The same URL with the last hex digit of its signature changed.
        $signature = (Get-UrlQuery $Url)['X-Amz-Signature']
        $other = if ($signature[-1] -eq '0') { '1' } else { '0' }
        $Url.Replace("X-Amz-Signature=$signature", "X-Amz-Signature=$($signature.Substring(0, 63))$other")
    }

    function New-TestUrl {
        # Pre-signed URLs made by s3presign itself (batch), one per key, so that these tests do not
        # depend on Get-S3PreSignedURL -Detailed except where they are about it.
        param([string[]]$Key, [string[]]$Option = @())
        $Key | ForEach-Object { ConvertTo-Json -Compress -InputObject @{ key = $_ } } |
            & $RealBinary batch --bucket $Bucket @Option | ForEach-Object { (ConvertFrom-Json -InputObject $_).url }
    }

    function New-TestUpload([string]$Name, [int]$Size) {
        # A file of $Size bytes of every value, so that an encoding mishap would show.
        $path = Join-Path $TestDrive $Name
        [System.IO.File]::WriteAllBytes($path, [byte[]]@(0..($Size - 1) | ForEach-Object { ($_ * 7 + 3) % 256 }))
        $path
    }

    function Wait-ProcessGone([int]$Id) {
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        while ([datetime]::UtcNow -lt $deadline) {
            if (-not (Get-Process -Id $Id -ErrorAction Ignore)) { return $true }
            Start-Sleep -Milliseconds 50
        }
        $false
    }

    # A distinctive secret and token: any trace of them in an output, message or command line is a leak.
    $secret = 'pEsTeRsEcReT/uPlOaDs0123456789+abcdefghijklm'
    $token = 'pEsTeRtOkEn-uPlOaDs-FQoGZXIvYXdzEXAMPLETOKEN'
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'The upload and audit commands in the module' {
    It 'exports New-S3PreSignedPost and ConvertFrom-S3PreSignedURL beside Get-S3PreSignedURL' {
        $exported = @((Get-Module S3PreSign).ExportedCommands.Keys)
        $exported | Should -Contain 'New-S3PreSignedPost'
        $exported | Should -Contain 'ConvertFrom-S3PreSignedURL'
        $exported | Should -Contain 'Get-S3PreSignedURL'
        $exported | Should -Not -Contain 'Start-S3UpProcess'
        (Get-Command New-S3PreSignedPost).Verb | Should -BeIn (Get-Verb).Verb
        (Get-Command ConvertFrom-S3PreSignedURL).Verb | Should -BeIn (Get-Verb).Verb
    }

    It '<Name> has a synopsis and at least four examples, each with an explanation' -ForEach @(
        @{ Name = 'New-S3PreSignedPost' }, @{ Name = 'ConvertFrom-S3PreSignedURL' }
    ) {
        (Get-Help $Name).Synopsis | Should -Not -BeLike "$Name*" -Because 'a real synopsis, not the generated syntax'
        $examples = @((Get-Help $Name -Examples).Examples.Example)
        $examples.Count | Should -BeGreaterOrEqual 4
        foreach ($example in $examples) {
            $example.Code | Should -Match $Name
            ($example.Remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It '<Name> documents every parameter' -ForEach @(
        @{ Name = 'New-S3PreSignedPost' }, @{ Name = 'ConvertFrom-S3PreSignedURL' }
    ) {
        $help = Get-Help $Name -Full
        $common = [System.Management.Automation.Cmdlet]::CommonParameters
        foreach ($parameter in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $entry = $help.Parameters.Parameter | Where-Object Name -EQ $parameter
            ($entry.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'has the session parameters and aliases of Get-S3PreSignedURL' {
        $post = (Get-Command New-S3PreSignedPost).Parameters
        foreach ($name in 'ProfileName', 'ProfileLocation', 'AccessKey', 'SecretKey', 'SessionToken', 'Region', 'EndpointUrl',
            'ForcePathStyle', 'UseAccelerateEndpoint', 'UseDualstackEndpoint', 'StartTime', 'StrictExpiry') {
            $post.Keys | Should -Contain $name
        }
        $post['ProfileName'].Aliases | Should -Be @('Profile', 'StoredCredentials', 'AWSProfileName')
        $post['Bucket'].Aliases | Should -Contain 'BucketName'
        $post['ForcePathStyle'].Aliases | Should -Contain 'ForcePathStyleAddressing'
        $inspect = (Get-Command ConvertFrom-S3PreSignedURL).Parameters
        $inspect['Url'].Aliases | Should -Contain 'PresignedUrl'
        $inspect['ProfileName'].Aliases | Should -Be @('Profile', 'StoredCredentials', 'AWSProfileName')
        $inspect['AccessKey'].ParameterSets.Keys | Should -Be @('AccessKey')
    }

    It 'has default table views for S3PreSign.PresignedPost and S3PreSign.UrlInspection' {
        foreach ($type in 'S3PreSign.PresignedPost', 'S3PreSign.UrlInspection') {
            $view = (Get-FormatData -TypeName $type).FormatViewDefinition
            $view | Should -Not -BeNullOrEmpty -Because "$type needs a view"
            $view[0].Control | Should -BeOfType [System.Management.Automation.TableControl]
        }
    }
}

Describe 'New-S3PreSignedPost' {
    BeforeEach { $null = Reset-TestAws }

    It 'returns the form fields in form order, x-amz-signature last' {
        $post = New-S3PreSignedPost -Bucket $Bucket -Key 'in/photo.jpg' -ContentType image/jpeg
        $post.PSObject.TypeNames[0] | Should -Be 'S3PreSign.PresignedPost'
        $post.Url | Should -Be "https://$Bucket.s3.us-east-1.amazonaws.com/"
        $post.Fields | Should -BeOfType [System.Collections.Specialized.OrderedDictionary]
        $names = @($post.Fields.Keys)
        $names[0] | Should -Be 'key'
        $names[-1] | Should -Be 'x-amz-signature'
        $names[-2] | Should -Be 'policy'
        $names | Should -Contain 'Content-Type'
        $names | Should -Contain 'x-amz-date'
        $post.Fields['key'] | Should -Be 'in/photo.jpg'
        $post.Fields['Content-Type'] | Should -Be 'image/jpeg'
        $post.Fields['x-amz-algorithm'] | Should -Be 'AWS4-HMAC-SHA256'
        $post.Fields['x-amz-credential'] | Should -BeLike "$ExampleKeyId/*/us-east-1/s3/aws4_request"
        $post.Fields['x-amz-signature'] | Should -Match '^[0-9a-f]{64}$'
        $post.Key | Should -Be 'in/photo.jpg'
        $post.Bucket | Should -Be $Bucket
    }

    It 'signs a policy that names the bucket, the key prefix and the size range' {
        $post = New-S3PreSignedPost -Bucket $Bucket -KeyPrefix 'in/' -ContentLengthRange 1, 10MB -ContentTypePrefix image/
        $post.Fields['key'] | Should -Be 'in/${filename}'
        $policy = ConvertFrom-PolicyField $post.Fields['policy']
        $conditions = @(Get-ConditionJson $policy.conditions)
        $conditions | Should -Contain ('{"bucket":"' + $Bucket + '"}')
        $conditions | Should -Contain '["starts-with","$key","in/"]'
        $conditions | Should -Contain '["content-length-range",1,10485760]'
        $conditions | Should -Contain '["starts-with","$Content-Type","image/"]'
        $conditions | Should -Not -Contain '{"key":"in/${filename}"}'
        # The Policy property is the same document, decoded.
        @(Get-ConditionJson $post.Policy.conditions) | Should -Be $conditions
    }

    It 'has UTC SignedAt and ExpiresAt, 1 hour apart by default, matching the policy' {
        $before = [datetime]::UtcNow.AddSeconds(-2)
        $post = New-S3PreSignedPost -Bucket $Bucket -Key k
        $post.SignedAt | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$'
        $post.ExpiresAt | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$'
        ConvertTo-TestInstant $post.SignedAt | Should -BeGreaterOrEqual $before
        ((ConvertTo-TestInstant $post.ExpiresAt) - (ConvertTo-TestInstant $post.SignedAt)) | Should -Be ([timespan]::FromHours(1))
        $post.Fields['x-amz-date'] | Should -Be (ConvertTo-TestInstant $post.SignedAt).ToString("yyyyMMdd'T'HHmmss'Z'")
        $expiration = (ConvertFrom-PolicyField $post.Fields['policy']).expiration
        ([datetime]$expiration).ToUniversalTime() | Should -Be (ConvertTo-TestInstant $post.ExpiresAt)
    }

    It 'converts a local -Expires to UTC' {
        $start = [datetime]::new(2030, 1, 2, 3, 4, 5, [DateTimeKind]::Utc)
        $post = New-S3PreSignedPost -Bucket $Bucket -Key k -StartTime $start -Expires $start.AddHours(5).ToLocalTime()
        $post.SignedAt | Should -Be $start
        $post.ExpiresAt | Should -Be $start.AddHours(5)
        $unspecified = [datetime]::SpecifyKind($start.AddHours(6).ToLocalTime(), [DateTimeKind]::Unspecified)
        (New-S3PreSignedPost -Bucket $Bucket -Key k -StartTime $start -Expires $unspecified).ExpiresAt | Should -Be $start.AddHours(6)
    }

    It 'takes -ExpiresIn <Text>' -ForEach @(
        @{ Text = 'as a TimeSpan'; Value = [timespan]::FromMinutes(90); Seconds = 5400 }
        @{ Text = 'as seconds'; Value = 600; Seconds = 600 }
        @{ Text = 'as a duration string'; Value = '1d12h'; Seconds = 129600 }
    ) {
        $post = New-S3PreSignedPost -Bucket $Bucket -Key k -ExpiresIn $Value
        ((ConvertTo-TestInstant $post.ExpiresAt) - (ConvertTo-TestInstant $post.SignedAt)).TotalSeconds | Should -Be $Seconds
    }

    It 'takes -ExpiresIn 7d as typed, and refuses the decimal 7 that 7d is in an expression' {
        $post = New-S3PreSignedPost -Bucket $Bucket -Key k -ExpiresIn 7d
        ((ConvertTo-TestInstant $post.ExpiresAt) - (ConvertTo-TestInstant $post.SignedAt)).TotalDays | Should -Be 7
        $arguments = @{ ExpiresIn = 7d }
        { New-S3PreSignedPost -Bucket $Bucket -Key k @arguments } | Should -Throw -ErrorId 'invalid_expiry,New-S3PreSignedPost'
    }

    It 'turns -Metadata into x-amz-meta-* fields that the policy fixes' {
        $post = New-S3PreSignedPost -Bucket $Bucket -Key k -Metadata @{ owner = 'ops'; 'x-amz-meta-team' = 'blue'; offset = '-1' }
        $post.Fields['x-amz-meta-owner'] | Should -Be 'ops'
        $post.Fields['x-amz-meta-team'] | Should -Be 'blue'
        $post.Fields['x-amz-meta-offset'] | Should -Be '-1'
        $post.Fields.Keys | Should -Not -Contain 'x-amz-meta-x-amz-meta-team'
        $conditions = @(Get-ConditionJson (ConvertFrom-PolicyField $post.Fields['policy']).conditions)
        $conditions | Should -Contain '{"x-amz-meta-owner":"ops"}'
        $conditions | Should -Contain '{"x-amz-meta-team":"blue"}'
    }

    It 'keeps the order of an [ordered] -Metadata, and refuses a name that is no header name' {
        $post = New-S3PreSignedPost -Bucket $Bucket -Key k -Metadata ([ordered]@{ zeta = '1'; alpha = '2' })
        @($post.Fields.Keys | Where-Object { $_ -like 'x-amz-meta-*' }) | Should -Be @('x-amz-meta-zeta', 'x-amz-meta-alpha')
        $null = New-S3PreSignedPost -Bucket $Bucket -Key k -Metadata @{ 'two words' = 'x' } -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'invalid_header,New-S3PreSignedPost'
        $failed[0].Exception.Message | Should -Match "metadata name 'two words' is not a valid header name"
        { New-S3PreSignedPost -Bucket $Bucket -Key k -Metadata @{ 'a=b' = 'x' } } | Should -Throw -ErrorId 'InvalidMetadata,New-S3PreSignedPost'
    }

    It 'adds -Fields, -Acl, -SuccessActionStatus and -SuccessActionRedirect as fields fixed by the policy' {
        $post = New-S3PreSignedPost -Bucket $Bucket -Key k -Fields @{ 'Cache-Control' = 'max-age=60' } -Acl bucket-owner-full-control `
            -SuccessActionStatus 201 -SuccessActionRedirect 'https://example.com/done'
        $post.Fields['Cache-Control'] | Should -Be 'max-age=60'
        $post.Fields['acl'] | Should -Be 'bucket-owner-full-control'
        $post.Fields['success_action_status'] | Should -Be '201'
        $post.Fields['success_action_redirect'] | Should -Be 'https://example.com/done'
        $conditions = @(Get-ConditionJson (ConvertFrom-PolicyField $post.Fields['policy']).conditions)
        $conditions | Should -Contain '{"Cache-Control":"max-age=60"}'
        $conditions | Should -Contain '{"acl":"bucket-owner-full-control"}'
    }

    It 'accepts only the statuses S3 knows for -SuccessActionStatus' {
        { New-S3PreSignedPost -Bucket $Bucket -Key k -SuccessActionStatus 500 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,New-S3PreSignedPost'
    }

    It 'adds -Conditions given as a hashtable, an array, a JSON string, or one flat array' {
        $post = New-S3PreSignedPost -Bucket $Bucket -Key k -Conditions @(
            @{ 'x-amz-meta-tag' = 'a' }
            , @('starts-with', '$x-amz-meta-note', '')
            '["eq","$x-amz-meta-kind","report"]'
        )
        $conditions = @(Get-ConditionJson (ConvertFrom-PolicyField $post.Fields['policy']).conditions)
        $conditions | Should -Contain '{"x-amz-meta-tag":"a"}'
        $conditions | Should -Contain '["starts-with","$x-amz-meta-note",""]'
        $conditions | Should -Contain '["eq","$x-amz-meta-kind","report"]'

        $flat = New-S3PreSignedPost -Bucket $Bucket -Key k -Conditions 'starts-with', '$x-amz-meta-note', 'n'
        @(Get-ConditionJson (ConvertFrom-PolicyField $flat.Fields['policy']).conditions) | Should -Contain '["starts-with","$x-amz-meta-note","n"]'
    }

    It 'stops with a usage error, naming -Conditions, for a condition with an unknown operator' {
        $caught = $null
        try {
            # -ErrorAction SilentlyContinue does not silence a terminating error.
            New-S3PreSignedPost -Bucket $Bucket -Key k -Conditions (, @('sorta-like', '$key', 'x')) -ErrorAction SilentlyContinue
        } catch {
            $caught = $_
        }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Be 'usage,New-S3PreSignedPost'
        $caught.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $caught.Exception.Message | Should -Match "unknown operator 'sorta-like'"
    }

    It 'stops with a usage error naming -Conditions for a -Conditions string that is not JSON' {
        { New-S3PreSignedPost -Bucket $Bucket -Key k -Conditions '{"broken":' } | Should -Throw -ErrorId 'usage,New-S3PreSignedPost' -ExpectedMessage '*-Conditions*'
    }

    It 'reports an expiry more than 7 days away as a non-terminating expiry_too_far error' {
        $result = New-S3PreSignedPost -Bucket $Bucket -Key k -ExpiresIn 8d -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'expiry_too_far,New-S3PreSignedPost'
        $failures[0].Exception.Message | Should -Match 'latest allowed expiry is \d{4}-'
        $failures[0].Exception.Message | Should -BeLike '-ExpiresIn: lifetime 8d (691200 seconds) is more than 7 days;*'
        $failures[0].TargetObject | Should -Be 'k'
    }

    It 'reports an expiry in the past as expiry_in_past' {
        $null = New-S3PreSignedPost -Bucket $Bucket -Key k -Expires ([datetime]::UtcNow.AddHours(-1)) -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'expiry_in_past,New-S3PreSignedPost'
    }

    It 'refuses <What>' -ForEach @(
        @{ What = '-Expires with -ExpiresIn'; Arguments = @{ Key = 'k'; Expires = [datetime]::UtcNow.AddHours(1); ExpiresIn = '1h' }; Id = 'conflicting_expiry,New-S3PreSignedPost' }
        @{ What = '-ContentType with -ContentTypePrefix'; Arguments = @{ Key = 'k'; ContentType = 'a/b'; ContentTypePrefix = 'a/' }; Id = 'usage,New-S3PreSignedPost' }
        @{ What = 'a -ContentLengthRange whose minimum is above its maximum'; Arguments = @{ Key = 'k'; ContentLengthRange = 10, 1 }; Id = 'usage,New-S3PreSignedPost' }
        @{ What = 'a -ContentLengthRange of one number'; Arguments = @{ Key = 'k'; ContentLengthRange = 10 }; Id = 'ParameterArgumentValidationError,New-S3PreSignedPost' }
        @{ What = '-Key with -KeyPrefix'; Arguments = @{ Key = 'k'; KeyPrefix = 'p/' }; Id = 'AmbiguousParameterSet,New-S3PreSignedPost' }
        @{ What = '-ProfileName with -AccessKey'; Arguments = @{ Key = 'k'; ProfileName = 'dev'; AccessKey = 'a'; SecretKey = 's' }; Id = 'AmbiguousParameterSet,New-S3PreSignedPost' }
    ) {
        { New-S3PreSignedPost -Bucket $Bucket @Arguments } | Should -Throw -ErrorId $Id
    }

    It 'stops with unknown_profile for an unknown profile' {
        { New-S3PreSignedPost -Bucket $Bucket -Key k -ProfileName nope } | Should -Throw -ErrorId 'unknown_profile,New-S3PreSignedPost'
    }

    It 'signs with -ProfileName, -ProfileLocation and -Region' {
        $other = Join-Path $TestDrive 'other-credentials'
        Write-TestFile $other @('[alt]', "aws_access_key_id = $DevKeyId", "aws_secret_access_key = $DevSecret")
        $post = New-S3PreSignedPost -Bucket $Bucket -KeyPrefix up/ -ProfileName alt -ProfileLocation $other -Region ap-south-1
        $post.Fields['x-amz-credential'] | Should -BeLike "$DevKeyId/*/ap-south-1/s3/aws4_request"
        $post.Url | Should -Be "https://$Bucket.s3.ap-south-1.amazonaws.com/"
    }

    It 'builds the form URL from -EndpointUrl, -ForcePathStyle and -Protocol' {
        (New-S3PreSignedPost -Bucket $Bucket -Key k -EndpointUrl 'http://127.0.0.1:9000' -ForcePathStyle).Url | Should -Be "http://127.0.0.1:9000/$Bucket/"
        (New-S3PreSignedPost -Bucket $Bucket -Key k -Protocol HTTP).Url | Should -Be "http://$Bucket.s3.us-east-1.amazonaws.com/"
        (New-S3PreSignedPost -Bucket $Bucket -Key k -UseAccelerateEndpoint).Url | Should -Be "https://$Bucket.s3-accelerate.amazonaws.com/"
    }

    It 'returns with -AsHtml a page whose form posts to the Url, with the same fields' {
        $start = [datetime]::UtcNow.AddMinutes(-1)
        $post = New-S3PreSignedPost -Bucket $Bucket -Key 'in/a b.txt' -StartTime $start
        $html = New-S3PreSignedPost -Bucket $Bucket -Key 'in/a b.txt' -StartTime $start -AsHtml
        $html | Should -BeOfType [string]
        $html | Should -Match '<form action="([^"]+)" method="post" enctype="multipart/form-data"'
        $html -match '<form action="([^"]+)"' | Should -Be $true
        $Matches[1] | Should -Be $post.Url
        foreach ($name in $post.Fields.Keys) {
            $html | Should -Match ([regex]::Escape("name=""$name"" value=""$($post.Fields[$name])""")) -Because "the form has the $name field"
        }
        $html | Should -Match '<input type="file" name="file">'
    }

    It 'gives ready-to-run curl and Invoke-WebRequest commands that send the file last' {
        $post = New-S3PreSignedPost -Bucket $Bucket -Key k
        $post.Curl | Should -Match '^curl '
        $post.Curl | Should -Match "file=@LOCAL_FILE '$([regex]::Escape($post.Url))'$"
        $post.InvokeWebRequest | Should -Match "'x-amz-signature' = '$($post.Fields['x-amz-signature'])' }"
        $post.InvokeWebRequest | Should -Match "name=""file""; filename=""' \+ \(Split-Path -Leaf LOCAL_FILE\)"
        $post.InvokeWebRequest | Should -Match "Invoke-WebRequest -Method Post -Uri '$([regex]::Escape($post.Url))' -Body \`$form"
    }

    It 'sends with Invoke-WebRequest -Form its fields in form order and the file last' -Skip:$IsWindows {
        # What -Form puts on the wire, caught by a local listener (the S3 test server cannot parse it; see
        # Send-Form below). Not on Windows, where HttpListener needs a URL reservation.
        $post = New-S3PreSignedPost -Bucket $Bucket -KeyPrefix in/ -Metadata @{ owner = 'ops' } -ContentTypePrefix text/
        $post.Fields['Content-Type'] = 'text/csv'
        $file = New-TestUpload 'form.bin' 300
        $post.Fields['file'] = Get-Item -LiteralPath $file
        $expected = @($post.Fields.Keys)
        $expected[-1] | Should -Be 'file'

        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start()
        $port = $probe.LocalEndpoint.Port
        $probe.Stop()
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add("http://127.0.0.1:$port/")
        $listener.Start()
        $job = $null
        try {
            $job = Start-ThreadJob -ArgumentList "http://127.0.0.1:$port/", $post.Fields -ScriptBlock {
                param($url, $form)
                [int](Invoke-WebRequest -Method Post -Uri $url -Form $form -NoProxy -TimeoutSec 30).StatusCode
            }
            $request = $listener.GetContextAsync()
            $request.Wait(30000) | Should -Be $true -Because 'Invoke-WebRequest posts the form'
            $context = $request.Result
            $received = [System.IO.MemoryStream]::new()
            $context.Request.InputStream.CopyTo($received)
            $context.Response.StatusCode = 204
            $context.Response.Close()
            Receive-Job (Wait-Job $job -Timeout 30) | Should -Be 204
        } finally {
            $listener.Close()
            if ($job) { Remove-Job $job -Force }
        }

        $body = [System.Text.Encoding]::Latin1.GetString($received.ToArray())   # one character per byte
        $names = @([regex]::Matches($body, 'Content-Disposition: form-data; name="?([^";\r\n]+)') | ForEach-Object { $_.Groups[1].Value })
        $names | Should -Be $expected
        foreach ($name in $expected | Where-Object { $_ -ne 'file' }) {
            $body | Should -Match ([regex]::Escape("name=$name") + '"?\r\n(?:[^\r\n]+\r\n)*\r\n' + [regex]::Escape($post.Fields[$name]) + '\r\n')
        }
        $body | Should -Match ([regex]::Escape([System.Text.Encoding]::Latin1.GetString([System.IO.File]::ReadAllBytes($file))))
    }

    It 'includes the session token field of temporary credentials, which the form needs' {
        $post = New-S3PreSignedPost -Bucket $Bucket -Key k -AccessKey $DevKeyId -SecretKey $secret -SessionToken $token -Region eu-west-1
        $post.Fields['x-amz-security-token'] | Should -Be $token
        $post.Fields['x-amz-credential'] | Should -BeLike "$DevKeyId/*"
        ($post | ConvertTo-Json -Depth 6) | Should -Not -BeLike "*$secret*"
    }

    It 'never puts the keys on the command line of s3presign, only in its environment' -Skip:$IsWindows {
        $argsFile = Join-Path $TestDrive 'post-args.txt'
        $envFile = Join-Path $TestDrive 'post-env.txt'
        $env:S3PRESIGN_BIN = New-TestWrapper 'record-post.sh' (
            "printf '%s\n' `"`$@`" > '$argsFile'; env > '$envFile'; exec `"`$REAL`" `"`$@`"")
        $env:AWS_PROFILE = 'no-such-profile'
        $all = New-S3PreSignedPost -Bucket $Bucket -Key k -AccessKey $DevKeyId -SecretKey $secret -Region eu-west-1 -Verbose 4>&1
        $post = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })

        $arguments = Get-Content -Raw $argsFile
        $arguments | Should -Match '^post\b'
        $arguments | Should -Not -BeLike "*$secret*"
        $arguments | Should -Not -BeLike "*$DevKeyId*"
        $environment = Get-Content $envFile
        $environment | Should -Contain "AWS_SECRET_ACCESS_KEY=$secret"
        $environment | Should -Contain "AWS_ACCESS_KEY_ID=$DevKeyId"
        @($environment | Where-Object { $_ -like 'AWS_PROFILE=*' }) | Should -BeNullOrEmpty
        @($environment | Where-Object { $_ -like 'AWS_SESSION_TOKEN=*' }) | Should -BeNullOrEmpty
        # Nor in what comes out: the result object and the verbose messages.
        $post.Count | Should -Be 1
        ($post | ConvertTo-Json -Depth 6) | Should -Not -BeLike "*$secret*"
        $verbose.Count | Should -BeGreaterThan 0
        ($verbose | ForEach-Object { "$_" }) -join "`n" | Should -Not -BeLike "*$secret*"
    }

    It 'never shows the secret key or session token in errors, warnings or verbose messages' {
        $all = New-S3PreSignedPost -Bucket $Bucket -Key k -AccessKey $DevKeyId -SecretKey $secret -SessionToken $token -Region eu-west-1 `
            -ExpiresIn 8d -Verbose *>&1
        $records = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $records.Count | Should -Be 1
        $text = ($all | ForEach-Object { "$_"; if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.ToString() } }) -join "`n"
        $text | Should -Not -BeLike "*$secret*"
        $text | Should -Not -BeLike "*$token*"
    }
}

Describe 'New-S3PreSignedPost end to end against an S3 test server' {
    BeforeAll {
        $required = 'S3PRESIGN_TEST_ENDPOINT', 'S3PRESIGN_TEST_ACCESS_KEY', 'S3PRESIGN_TEST_SECRET_KEY', 'S3PRESIGN_TEST_BUCKET'
        $missing = @($required | Where-Object { -not [System.Environment]::GetEnvironmentVariable($_) })
        $skipReason = $null
        if ($missing) {
            if ($env:CI) {
                throw "CI is set but $($missing -join ', ') is not: the end-to-end tests must run in CI. " +
                    'Run them through tests/pester.rs (cargo test --test pester), which starts the S3 test server.'
            }
            $skipReason = 'no S3 test server (cargo test --test pester starts one and sets S3PRESIGN_TEST_*)'
        } else {
            $testBucket = $env:S3PRESIGN_TEST_BUCKET
            $server = @{
                EndpointUrl    = $env:S3PRESIGN_TEST_ENDPOINT
                ForcePathStyle = $true
                Region         = 'us-east-1'
                AccessKey      = $env:S3PRESIGN_TEST_ACCESS_KEY
                SecretKey      = $env:S3PRESIGN_TEST_SECRET_KEY
            }
        }

        function Send-Form([object]$Post, [string]$Path, [hashtable]$Override = @{}) {
            # Posts the form with Invoke-WebRequest as a browser would: its fields in order (some
            # replaced), then the file. The multipart body is built here: what -Form builds (name=key
            # without quotes, and filename*=) is valid multipart, but the test server's parser (s3s 0.14)
            # refuses it with MalformedPOSTRequest. 'Invoke-WebRequest -Form' below checks what -Form sends.
            $boundary = "pester-$([guid]::NewGuid().ToString('N'))"
            $body = [System.IO.MemoryStream]::new()
            $write = { param([string]$Text) $bytes = [System.Text.Encoding]::UTF8.GetBytes($Text); $body.Write($bytes, 0, $bytes.Length) }
            foreach ($name in $Post.Fields.Keys) {
                $value = if ($Override.ContainsKey($name)) { $Override[$name] } else { $Post.Fields[$name] }
                & $write "--$boundary`r`nContent-Disposition: form-data; name=`"$name`"`r`n`r`n$value`r`n"
            }
            & $write "--$boundary`r`nContent-Disposition: form-data; name=`"file`"; filename=`"$(Split-Path -Leaf $Path)`"`r`nContent-Type: application/octet-stream`r`n`r`n"
            $file = [System.IO.File]::ReadAllBytes($Path)
            $body.Write($file, 0, $file.Length)
            & $write "`r`n--$boundary--`r`n"
            $response = Invoke-WebRequest -Method Post -Uri $Post.Url -Body $body.ToArray() -ContentType "multipart/form-data; boundary=$boundary" `
                -NoProxy -SkipHttpErrorCheck -TimeoutSec 30
            [pscustomobject]@{ Status = [int]$response.StatusCode; Body = "$($response.Content)" }
        }

        function Get-Object([string]$Key) {
            # Status and bytes of a GET through a Get-S3PreSignedURL -Detailed link.
            $url = Get-S3PreSignedURL -Bucket $testBucket -Key $Key @server -AsString
            $response = Invoke-WebRequest -Uri $url -NoProxy -SkipHttpErrorCheck -TimeoutSec 30
            [pscustomobject]@{ Status = [int]$response.StatusCode; Bytes = $response.RawContentStream.ToArray() }
        }
    }

    BeforeEach {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
        $null = Reset-TestAws
    }

    It 'uploads with its InvokeWebRequest command, storing the file''s own Content-Type' {
        $key = "post/pester-$([guid]::NewGuid()).jpg"
        $post = New-S3PreSignedPost -Bucket $testBucket -Key $key -ContentTypePrefix image/ -Conditions '["eq","$x-amz-meta-tag","v"]' -ExpiresIn 5m @server
        $post.Fields['x-amz-meta-tag'] | Should -Be 'v' -Because 'a field a condition names is in the form'
        $file = New-TestUpload 'photo.jpg' 100
        $command = $post.InvokeWebRequest.Replace('LOCAL_FILE_CONTENT_TYPE', 'image/jpeg').Replace('LOCAL_FILE', "'$file'")
        $response = Invoke-Expression $command
        [int]$response.StatusCode | Should -Be 204
        $url = Get-S3PreSignedURL -Bucket $testBucket -Key $key @server -AsString
        (Invoke-WebRequest -Uri $url -NoProxy -TimeoutSec 30).Headers['Content-Type'] | Should -Be 'image/jpeg'
    }

    It 'uploads a file with the form, and the stored object has its bytes' {
        $key = "post/pester-$([guid]::NewGuid()).bin"
        $post = New-S3PreSignedPost -Bucket $testBucket -Key $key -ContentLengthRange 1, 4096 -ExpiresIn 5m @server
        $file = New-TestUpload 'upload.bin' 1000
        $response = Send-Form $post $file
        $response.Status | Should -Be 204 -Because $response.Body

        $stored = Get-Object $key
        $stored.Status | Should -Be 200
        $stored.Bytes | Should -Be ([System.IO.File]::ReadAllBytes($file))
    }

    It 'refuses a file larger than the -ContentLengthRange maximum, and stores nothing' {
        $key = "post/too-big-$([guid]::NewGuid()).bin"
        $post = New-S3PreSignedPost -Bucket $testBucket -Key $key -ContentLengthRange 1, 100 @server
        $response = Send-Form $post (New-TestUpload 'big.bin' 1000)
        $response.Status | Should -BeGreaterOrEqual 400
        $response.Status | Should -BeLessThan 500
        $response.Body | Should -Match 'EntityTooLarge' -Because 'refused for its size, not for a malformed form'
        (Get-Object $key).Status | Should -Be 404
        (Send-Form $post (New-TestUpload 'fits.bin' 100)).Status | Should -Be 204 -Because 'the same form takes a file of the maximum size'
        (Get-Object $key).Status | Should -Be 200
    }

    It 'accepts a key under -KeyPrefix and refuses one outside it' {
        $prefix = "post/prefix-$([guid]::NewGuid())/"
        $post = New-S3PreSignedPost -Bucket $testBucket -KeyPrefix $prefix -ContentLengthRange 1, 4096 @server
        $file = New-TestUpload 'small.bin' 10
        # The test server does not replace ${filename}: the client names the key itself.
        $accepted = Send-Form $post $file @{ key = "${prefix}report.bin" }
        $accepted.Status | Should -Be 204 -Because $accepted.Body
        (Get-Object "${prefix}report.bin").Bytes | Should -Be ([System.IO.File]::ReadAllBytes($file))

        $outside = "post/elsewhere-$([guid]::NewGuid()).bin"
        $refused = Send-Form $post $file @{ key = $outside }
        $refused.Status | Should -BeGreaterOrEqual 400
        $refused.Status | Should -BeLessThan 500
        (Get-Object $outside).Status | Should -Be 404
    }

    It 'refuses a form whose fields were altered (x-amz-meta value fixed by the policy)' {
        $key = "post/meta-$([guid]::NewGuid()).bin"
        $post = New-S3PreSignedPost -Bucket $testBucket -Key $key -Metadata @{ owner = 'ops' } @server
        $file = New-TestUpload 'meta.bin' 10
        $response = Send-Form $post $file @{ 'x-amz-meta-owner' = 'mallory' }
        $response.Status | Should -BeGreaterOrEqual 400
        $response.Status | Should -BeLessThan 500
        (Get-Object $key).Status | Should -Be 404
        (Send-Form $post $file).Status | Should -Be 204 -Because 'the unaltered form is accepted'
    }
}

Describe 'The InvokeWebRequest command of New-S3PreSignedPost, run against an S3 test server' -Skip:$IsWindows {
    # Not on Windows, where HttpListener needs a URL reservation.
    BeforeAll {
        $s3 = Get-TestServer

        function Invoke-ThroughRelay([string]$Target, [string]$Command, [System.Collections.IDictionary]$Form) {
            # Runs $Command, an Invoke-WebRequest whose -Uri is $Target (or, given -Form, Invoke-WebRequest -Method
            # Post -Uri $Target -Form $Form), against a local listener that passes the request on to $Target and
            # its answer back. On the way only the Content-Disposition lines of the
            # body are rewritten, to the one spelling the test server's parser (s3s 0.14) reads: -Form writes
            # name=key and filename*=utf-8''..., valid multipart/form-data (RFC 7578) that S3 takes, but s3s
            # answers it with MalformedPOSTRequest. The fields, their order and the file's bytes go as sent.
            $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $probe.Start()
            $relay = "http://127.0.0.1:$($probe.LocalEndpoint.Port)/"
            $probe.Stop()
            $local = $null
            if ($Command) {
                $local = $Command.Replace("-Uri '$Target'", "-Uri '$relay'")
                $local | Should -Not -Be $Command -Because 'the command posts to -Uri ''<form URL>'''
            }
            $listener = [System.Net.HttpListener]::new()
            $listener.Prefixes.Add($relay)
            $listener.Start()
            $job = $null
            try {
                $job = Start-ThreadJob -ArgumentList $local, $relay, $Form -ScriptBlock {
                    param($command, $uri, $form)
                    try {
                        $response = if ($form) { Invoke-WebRequest -Method Post -Uri $uri -Form $form } else { Invoke-Expression $command }
                        [int]$response.StatusCode
                    } catch { [int]$_.Exception.Response.StatusCode }
                }
                $request = $listener.GetContextAsync()
                $request.Wait(30000) | Should -Be $true -Because 'the command posts the form'
                $context = $request.Result
                $received = [System.IO.MemoryStream]::new()
                $context.Request.InputStream.CopyTo($received)
                $body = [System.Text.Encoding]::Latin1.GetString($received.ToArray())   # one character per byte
                $body = [regex]::Replace($body, '(?m)^Content-Disposition: form-data; ([^\r\n]*)', {
                        param($match)
                        $name = [regex]::Match($match.Groups[1].Value, '(?:^|; )name="?([^";]+)"?').Groups[1].Value
                        $file = [regex]::Match($match.Groups[1].Value, '; filename="?([^";]+)"?')
                        "Content-Disposition: form-data; name=`"$name`"" + $(if ($file.Success) { "; filename=`"$($file.Groups[1].Value)`"" })
                    })
                $answer = Invoke-WebRequest -Method Post -Uri $Target -Body ([System.Text.Encoding]::Latin1.GetBytes($body)) `
                    -ContentType $context.Request.ContentType -NoProxy -SkipHttpErrorCheck -TimeoutSec 30
                $context.Response.StatusCode = [int]$answer.StatusCode
                $bytes = $answer.RawContentStream.ToArray()
                $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
                $context.Response.Close()
                $status = Receive-Job (Wait-Job $job -Timeout 30) -ErrorAction Stop
                [pscustomobject]@{ Status = $status; Body = $body; Answer = [System.Text.Encoding]::UTF8.GetString($bytes) }
            } finally {
                $listener.Close()
                if ($job) { Remove-Job $job -Force }
            }
        }
    }

    BeforeEach {
        if ($s3.SkipReason) { Set-ItResult -Skipped -Because $s3.SkipReason }
        $null = Reset-TestAws
        $server = $s3.Parameters
    }

    It 'uploads the file with the suggested Invoke-WebRequest command, and S3 stores its bytes' {
        $key = "post/form-$([guid]::NewGuid()).bin"
        $post = New-S3PreSignedPost -Bucket $s3.Bucket -Key $key -ContentLengthRange 1, 4096 -Metadata @{ owner = 'ops' } -ExpiresIn 5m @server
        $file = New-TestUpload 'form upload.bin' 1000
        $post.InvokeWebRequest | Should -BeLike '*LOCAL_FILE*Invoke-WebRequest -Method Post * -Body $form*'

        $sent = Invoke-ThroughRelay $post.Url $post.InvokeWebRequest.Replace('LOCAL_FILE', "'$file'")
        $sent.Status | Should -Be 204 -Because $sent.Answer
        # What the command sent: every field of the result, in order, then the file.
        $names = @([regex]::Matches($sent.Body, 'Content-Disposition: form-data; name="([^"]+)"') | ForEach-Object { $_.Groups[1].Value })
        $names | Should -Be @(@($post.Fields.Keys) + 'file')
        $stored = Get-StoredObject $s3 $key
        $stored | Should -Not -BeNullOrEmpty
        [System.Linq.Enumerable]::SequenceEqual($stored, [System.IO.File]::ReadAllBytes($file)) | Should -Be $true
    }

    It 'uploads with -Form and the result''s own Fields, with the file added last, as the suggestion does' {
        $key = "post/fields-$([guid]::NewGuid()).bin"
        $post = New-S3PreSignedPost -Bucket $s3.Bucket -Key $key -ContentTypePrefix text/ @server
        $file = New-TestUpload 'fields.bin' 500
        $fields = $post.Fields
        $fields['Content-Type'] = 'text/csv'   # the file's type, under the signed prefix
        $fields['file'] = Get-Item -LiteralPath $file
        $sent = Invoke-ThroughRelay $post.Url -Form $fields
        $sent.Status | Should -Be 204 -Because $sent.Answer
        $sent.Body | Should -Match 'name="Content-Type"\r\n(?:[^\r\n]+\r\n)*\r\ntext/csv\r\n'
        [System.Linq.Enumerable]::SequenceEqual((Get-StoredObject $s3 $key), [System.IO.File]::ReadAllBytes($file)) | Should -Be $true
    }

    It 'is refused by S3 when the file is over the -ContentLengthRange maximum' {
        $key = "post/form-big-$([guid]::NewGuid()).bin"
        $post = New-S3PreSignedPost -Bucket $s3.Bucket -Key $key -ContentLengthRange 1, 100 @server
        $sent = Invoke-ThroughRelay $post.Url $post.InvokeWebRequest.Replace('LOCAL_FILE', "'$(New-TestUpload 'form-big.bin' 1000)'")
        $sent.Status | Should -Be 400
        $sent.Answer | Should -Match 'EntityTooLarge' -Because 'refused for its size, so the relay passed a form S3 could read'
        Get-StoredObject $s3 $key | Should -BeNullOrEmpty
    }
}

Describe 'ConvertFrom-S3PreSignedURL' {
    BeforeEach { $null = Reset-TestAws }

    It 'reads back what Get-S3PreSignedURL signed' {
        $link = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key 'reports/2025 Q1 summary.pdf' -ProfileName dev -ExpiresIn 2h
        $inspection = $link | ConvertFrom-S3PreSignedURL
        @($inspection).Count | Should -Be 1
        $inspection.PSObject.TypeNames[0] | Should -Be 'S3PreSign.UrlInspection'
        $inspection.SignatureVersion | Should -Be 'v4'
        $inspection.Bucket | Should -Be $Bucket
        $inspection.Key | Should -Be 'reports/2025 Q1 summary.pdf'
        $inspection.Region | Should -Be 'eu-west-1'
        $inspection.AccessKeyId | Should -Be $DevKeyId
        $inspection.Endpoint | Should -Be "https://$Bucket.s3.eu-west-1.amazonaws.com"
        $inspection.ExpiresAt | Should -Be $link.ExpiresAt
        $inspection.ExpiresAt | Should -BeLike '*Z'
        $inspection.SignedAt | Should -Be $link.SignedAt
        $inspection.SignedAt | Should -BeLike '*Z'
        $inspection.ExpiresInSeconds | Should -Be 7200
        $inspection.Expired | Should -Be $false
        $inspection.TimeLeft | Should -BeOfType [timespan]
        $inspection.TimeLeft | Should -BeGreaterThan ([timespan]::FromMinutes(118))
        $inspection.TimeLeft | Should -BeLessOrEqual ([timespan]::FromHours(2))
        $inspection.SignedHeaders | Should -Be @('host')
        $inspection.HasSessionToken | Should -Be $false
        $inspection.SignatureValid | Should -BeNullOrEmpty
        $inspection.Url | Should -Be $link.Url
    }

    It 'takes URLs as strings, as -Url, and from Url or PresignedUrl properties (Import-Csv)' {
        $links = Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key a.txt, b.txt, c.txt
        @($links.Url | ConvertFrom-S3PreSignedURL).Key | Should -Be @('a.txt', 'b.txt', 'c.txt')
        @(ConvertFrom-S3PreSignedURL -Url $links.Url).Key | Should -Be @('a.txt', 'b.txt', 'c.txt')
        @([pscustomobject]@{ PresignedUrl = $links[1].Url } | ConvertFrom-S3PreSignedURL).Key | Should -Be @('b.txt')

        $csv = Join-Path $TestDrive 'links.csv'
        $links | Select-Object Key, Url | Export-Csv -LiteralPath $csv -NoTypeInformation
        @(Import-Csv -LiteralPath $csv | ConvertFrom-S3PreSignedURL).Key | Should -Be @('a.txt', 'b.txt', 'c.txt')
    }

    It 'reads one URL per line of a multi-line string (Get-Content -Raw)' {
        $text = ((New-TestUrl one, two) -join "`r`n") + "`r`n"
        @($text | ConvertFrom-S3PreSignedURL).Key | Should -Be @('one', 'two')
    }

    It 'reads the version, the multipart upload and the response overrides' {
        $versioned = & $RealBinary url --bucket $Bucket --key doc.pdf --version-id 'v-42'
        (ConvertFrom-S3PreSignedURL $versioned).VersionId | Should -Be 'v-42'

        $part = & $RealBinary url --bucket $Bucket --key big.iso --verb PUT --upload-id UPLOAD-1 --part-number 7
        $inspection = ConvertFrom-S3PreSignedURL $part
        $inspection.UploadId | Should -Be 'UPLOAD-1'
        $inspection.PartNumber | Should -Be 7
        $inspection.PartNumber | Should -BeOfType [int]

        $download = & $RealBinary url --bucket $Bucket --key r.pdf --response-content-disposition 'attachment; filename="Q1 report.pdf"'
        (ConvertFrom-S3PreSignedURL $download).Overrides['response-content-disposition'] | Should -Be 'attachment; filename="Q1 report.pdf"'
    }

    It 'marks an expired URL' {
        $url = & $RealBinary url --bucket $Bucket --key old.txt --start-time ([datetime]::UtcNow.AddHours(-3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")) --expires-in 1h
        $inspection = ConvertFrom-S3PreSignedURL $url
        $inspection.Expired | Should -Be $true
        $inspection.TimeLeft | Should -Be ([timespan]::Zero)
    }

    It 'reads a SigV2 URL' {
        $inspection = ConvertFrom-S3PreSignedURL "https://$Bucket.s3.amazonaws.com/old%20style.txt?AWSAccessKeyId=$ExampleKeyId&Expires=1900000000&Signature=abc%3D"
        $inspection.SignatureVersion | Should -Be 'v2'
        $inspection.Key | Should -Be 'old style.txt'
        $inspection.ExpiresAt | Should -Be ([datetimeoffset]::FromUnixTimeSeconds(1900000000).UtcDateTime)
        $inspection.SignedAt | Should -BeNullOrEmpty
        $inspection.ExpiresInSeconds | Should -BeNullOrEmpty
    }

    It 'inspects 100 piped URLs with exactly one s3presign process, the URLs on its standard input' -Skip:$IsWindows {
        $urls = New-TestUrl (1..100 | ForEach-Object { "k$_" })
        $counter = Join-Path $TestDrive "inspect-starts-$([guid]::NewGuid()).txt"
        $argsFile = Join-Path $TestDrive 'inspect-args.txt'
        $env:S3PRESIGN_BIN = New-TestWrapper 'counting-inspect.sh' (
            "echo `$`$ >> '$counter'; printf '%s\n' `"`$@`" > '$argsFile'; exec `"`$REAL`" `"`$@`"")

        $results = $urls | ConvertFrom-S3PreSignedURL
        $results.Count | Should -Be 100
        $results[0].Key | Should -Be 'k1'
        $results[99].Key | Should -Be 'k100'
        @(Get-Content $counter).Count | Should -Be 1
        $arguments = Get-Content -Raw $argsFile
        $arguments | Should -Match '^inspect\b'
        $arguments | Should -Not -Match 'X-Amz-Signature' -Because 'URLs go on standard input, not the command line'
    }

    It 'starts no process for an empty pipeline' -Skip:$IsWindows {
        $counter = Join-Path $TestDrive "empty-starts-$([guid]::NewGuid()).txt"
        $env:S3PRESIGN_BIN = New-TestWrapper 'counting-empty.sh' "echo `$`$ >> '$counter'; exec `"`$REAL`" `"`$@`""
        @() | ConvertFrom-S3PreSignedURL | Should -BeNullOrEmpty
        Test-Path $counter | Should -Be $false
    }

    It 'inspects 3,000 URLs without deadlock' {
        $urls = New-TestUrl (1..3000 | ForEach-Object { "logs/2025/$_/" + ('x' * 200) })
        $job = Start-ThreadJob -ArgumentList $ModuleManifest, (, $urls) -ScriptBlock {
            param($manifest, $urls)
            Import-Module $manifest
            @($urls | ConvertFrom-S3PreSignedURL).Count
        }
        try {
            Wait-Job $job -Timeout 60 | Should -Not -BeNullOrEmpty -Because 'the pipeline must not hang'
            Receive-Job $job -ErrorAction Stop | Should -Be 3000
        } finally {
            Remove-Job $job -Force
        }
    }

    It 'leaves no process behind when a downstream Select-Object -First stops the pipeline' -Skip:$IsWindows {
        $urls = New-TestUrl (1..50 | ForEach-Object { "k$_" })
        $counter = Join-Path $TestDrive "first-starts-$([guid]::NewGuid()).txt"
        $env:S3PRESIGN_BIN = New-TestWrapper 'counting-first.sh' "echo `$`$ >> '$counter'; exec `"`$REAL`" `"`$@`""
        @($urls | ConvertFrom-S3PreSignedURL | Select-Object -First 1).Count | Should -Be 1
        Wait-ProcessGone ([int](Get-Content $counter | Select-Object -First 1)) | Should -Be $true
    }

    It 'with -Verify, says valid for untouched URLs and invalid for a tampered one' {
        $urls = @(New-TestUrl one, 'two words', three)
        $results = @($urls + (Get-Tampered $urls[1]) | ConvertFrom-S3PreSignedURL -Verify)
        $results.Count | Should -Be 4
        $results.SignatureValid | Should -Be @($true, $true, $true, $false)
        $results[3].Key | Should -Be 'two words'
    }

    It 'with -Verify, cannot check a URL signed with other keys, and says why' {
        $result = New-TestUrl k | ConvertFrom-S3PreSignedURL -Verify -ProfileName dev
        $result.SignatureValid | Should -BeNullOrEmpty
        $result.VerifyNote | Should -Match $ExampleKeyId
    }

    It 'with -Verify, -AccessKey/-SecretKey, -Verb and -Header, checks an upload URL' {
        $put = & $RealBinary url --bucket $Bucket --key up.csv --verb PUT --content-type text/csv --profile dev
        $keys = @{ AccessKey = $DevKeyId; SecretKey = $DevSecret }
        (ConvertFrom-S3PreSignedURL $put -Verify @keys -Verb PUT -Header @{ 'Content-Type' = 'text/csv' }).SignatureValid | Should -Be $true
        (ConvertFrom-S3PreSignedURL $put -Verify @keys -Verb PUT -Header @{ 'Content-Type' = 'text/plain' }).SignatureValid | Should -Be $false
        (ConvertFrom-S3PreSignedURL $put -Verify @keys -Header @{ 'Content-Type' = 'text/csv' }).SignatureValid | Should -Be $false -Because 'it was signed for PUT, not GET'
        $unchecked = ConvertFrom-S3PreSignedURL $put -Verify @keys -Verb PUT
        $unchecked.SignatureValid | Should -BeNullOrEmpty
        $unchecked.VerifyNote | Should -Match 'content-type'
        $unchecked.SignedHeaders | Should -Be @('content-type', 'host')
    }

    It 'reports a line that is not a pre-signed URL as one invalid_url error, and still reads the others' {
        $good = New-TestUrl first, last
        $items = $good[0], 'not a url', $good[1]
        $results = $items | ConvertFrom-S3PreSignedURL -ErrorVariable failures -ErrorAction SilentlyContinue
        @($results).Key | Should -Be @('first', 'last')
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'invalid_url,ConvertFrom-S3PreSignedURL'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].TargetObject | Should -BeNullOrEmpty -Because 'a line that is not a URL may be anything, a credentials file too: never quoted'
        $failures[0].Exception.Message | Should -BeLike 'input object 2: not a pre-signed URL*'
        $failures[0].Exception.Message | Should -Not -Match 'not a url'

        $stream = @($items | ConvertFrom-S3PreSignedURL 2>&1)
        $stream.Count | Should -Be 3
        $stream[1] | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $stream[2].Key | Should -Be 'last'
    }

    It 'reports an empty CSV cell as invalid_url' {
        $rows = [pscustomobject]@{ Url = '' }, [pscustomobject]@{ Url = (New-TestUrl k) }
        $results = $rows | ConvertFrom-S3PreSignedURL -ErrorVariable failures -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 1
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'invalid_url,ConvertFrom-S3PreSignedURL'
    }

    It 'stops at the bad line with -ErrorAction Stop' {
        { 'nope' | ConvertFrom-S3PreSignedURL -ErrorAction Stop } | Should -Throw -ErrorId 'invalid_url,ConvertFrom-S3PreSignedURL'
    }

    It 'stops with unknown_profile when -Verify names an unknown profile' {
        { New-TestUrl k | ConvertFrom-S3PreSignedURL -Verify -ProfileName nope } |
            Should -Throw -ErrorId 'unknown_profile,ConvertFrom-S3PreSignedURL'
    }

    It 'shows that a URL carries a session token, and never the token itself' {
        $url = Get-S3PreSignedURL -Bucket $Bucket -Key k -AccessKey $DevKeyId -SecretKey $secret -SessionToken $token -Region eu-west-1 -AsString
        $url | Should -BeLike "*X-Amz-Security-Token=$token*" -Because 'the test needs a token in the URL'
        # One good URL, one that is not a pre-signed URL but holds the token (its error names it).
        $notPresigned = "https://$Bucket.s3.amazonaws.com/k?X-Amz-Security-Token=$token"
        $all = $url, $notPresigned | ConvertFrom-S3PreSignedURL -Verify -AccessKey $DevKeyId -SecretKey $secret -SessionToken $token -Verbose *>&1

        $inspections = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] -and $_.PSObject.TypeNames[0] -eq 'S3PreSign.UrlInspection' })
        $inspections.Count | Should -Be 1
        $inspections[0].HasSessionToken | Should -Be $true
        $inspections[0].SignatureValid | Should -Be $true
        $inspections[0].Url | Should -BeLike '*X-Amz-Security-Token=REDACTED*'
        ($inspections | ConvertTo-Json -Depth 5) | Should -Not -BeLike "*$token*"
        ($inspections | Format-List * | Out-String -Width 500) | Should -Not -BeLike "*$token*"
        ($inspections | Format-Table | Out-String -Width 500) | Should -Not -BeLike "*$token*"

        $records = @($all | Where-Object { $_ -isnot [System.Management.Automation.PSCustomObject] })
        $records.Count | Should -BeGreaterThan 1 -Because 'there is a verbose message and an error'
        $errors = @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors.Count | Should -Be 1
        $errors[0].TargetObject | Should -BeLike '*X-Amz-Security-Token=REDACTED*'
        $text = ($records | ForEach-Object { "$_"; if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception.ToString(); "$($_.TargetObject)" } }) -join "`n"
        $text | Should -Not -BeLike "*$token*"
        $text | Should -Not -BeLike "*$secret*"
    }

    It 'never puts the keys on the command line of s3presign' -Skip:$IsWindows {
        $argsFile = Join-Path $TestDrive 'verify-args.txt'
        $envFile = Join-Path $TestDrive 'verify-env.txt'
        $env:S3PRESIGN_BIN = New-TestWrapper 'record-verify.sh' (
            "printf '%s\n' `"`$@`" > '$argsFile'; env > '$envFile'; exec `"`$REAL`" `"`$@`"")
        $url = New-TestUrl k -Option '--profile', 'dev'
        (ConvertFrom-S3PreSignedURL $url -Verify -AccessKey $DevKeyId -SecretKey $secret -SessionToken $token).SignatureValid | Should -Be $false -Because "the URL was signed with the dev profile's secret"
        $arguments = Get-Content -Raw $argsFile
        $arguments | Should -Match '^inspect\b'
        $arguments | Should -Not -BeLike "*$secret*"
        $arguments | Should -Not -BeLike "*$token*"
        Get-Content $envFile | Should -Contain "AWS_SECRET_ACCESS_KEY=$secret"
    }
}

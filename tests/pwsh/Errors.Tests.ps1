# How failures surface: per-item errors (non-terminating, the rest still signed), setup failures and
# a misbehaving program (terminating), and parameter misuse.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'Per-item errors' {
    BeforeEach {
        $null = Reset-TestAws
        $items = @(
            [pscustomobject]@{ Bucket = $Bucket; Key = 'one' }
            [pscustomobject]@{ Bucket = $Bucket; Key = 'two' }
            [pscustomobject]@{ Bucket = 'Bad_Bucket!'; Key = 'three' }
            [pscustomobject]@{ Bucket = $Bucket; Key = 'four' }
            [pscustomobject]@{ Bucket = $Bucket; Key = 'five' }
        )
    }

    It 'reports a bad item as one non-terminating error and still signs the others' {
        $results = $items | Get-S3PreSignedURL -Detailed -ErrorVariable failures -ErrorAction SilentlyContinue

        $results.Count | Should -Be 4
        $results.Key | Should -Be @('one', 'two', 'four', 'five')
        $failures.Count | Should -Be 1
        $failures[0] | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $failures[0].FullyQualifiedErrorId | Should -Be 'invalid_bucket,Get-S3PreSignedURL'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        [object]::ReferenceEquals($failures[0].TargetObject, $items[2]) | Should -Be $true -Because 'TargetObject is the piped object'
        $failures[0].Exception.Message | Should -Match 'Bad_Bucket!'
    }

    It 'writes the error to the error stream in pipeline order' {
        $stream = @($items | Get-S3PreSignedURL -Detailed 2>&1)
        $stream.Count | Should -Be 5
        $stream[2] | Should -BeOfType [System.Management.Automation.ErrorRecord]
        $stream[3].Key | Should -Be 'four'
    }

    It 'stops at the bad item with -ErrorAction Stop' {
        $emitted = [System.Collections.Generic.List[object]]::new()
        $caught = $null
        try {
            $items | Get-S3PreSignedURL -Detailed -ErrorAction Stop | ForEach-Object { $emitted.Add($_) }
        } catch {
            $caught = $_
        }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Be 'invalid_bucket,Get-S3PreSignedURL'
        $caught.TargetObject.Key | Should -Be 'three'
        $emitted.Key | Should -Be @('one', 'two')
    }

    It 'uses the key as the TargetObject when nothing is piped' {
        $null = Get-S3PreSignedURL -Detailed -Bucket 'Bad_Bucket!' -Key lonely, other -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 2
        $failures.TargetObject | Should -Be @('lonely', 'other')
    }

    # -Expires and -ExpiresIn are the command's, not an item's: a value no request could be signed with stops the
    # command once (one error, not one per object), with the code each object would have had.
    It 'stops a pipeline whose -Expires is in the past with one expiry_in_past error' {
        $results = @()
        $caught = $null
        try { $results = @('a', 'b' | Get-S3PreSignedURL -Detailed -Bucket $Bucket -Expires ([datetime]::UtcNow.AddMinutes(-5))) } catch { $caught = $_ }
        $results.Count | Should -Be 0
        $caught.FullyQualifiedErrorId | Should -Be 'expiry_in_past,Get-S3PreSignedURL'
        $caught.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $caught.Exception.Message | Should -BeLike '-Expires: expiry * is not after the signing time*'
        # Objects never have an expiry of their own here: the CLI's remark about such lines is left out.
        $caught.Exception.Message | Should -Not -BeLike '*every request without an expiry*'
    }

    It 'stops a pipeline whose -ExpiresIn is more than 7 days with one expiry_too_far error, in PowerShell terms' {
        $stream, $caught = [System.Collections.Generic.List[object]]::new(), $null
        # 2>&1: an error per object would reach the stream (collected as it comes, before any throw); the
        # terminating one is caught.
        try { 'k', 'l' | Get-S3PreSignedURL -Detailed -Bucket $Bucket -ExpiresIn 8d 2>&1 | ForEach-Object { $stream.Add($_) } } catch { $caught = $_ }
        $stream.Count | Should -Be 0 -Because 'one error, not one per object, and no URL'
        $caught.FullyQualifiedErrorId | Should -Be 'expiry_too_far,Get-S3PreSignedURL'
        $caught.Exception.Message | Should -BeLike '-ExpiresIn: lifetime 8d (691200 seconds) is more than 7 days;*'
        $caught.Exception.Message | Should -Not -Match '--expires-in|expires_in|line \d|input object'
    }

    It 'stops on an unreadable -ExpiresIn with invalid_expiry, naming -ExpiresIn and not --expires-in or expires_in' {
        { 'k' | Get-S3PreSignedURL -Detailed -Bucket $Bucket -ExpiresIn 'soon' } | Should -Throw -ErrorId 'invalid_expiry,Get-S3PreSignedURL' -ExpectedMessage "-ExpiresIn: 'soon' is not a duration*"
    }

    It 'reports -ContentType on a GET as content_type_not_put, naming -ContentType' {
        $null = 'k' | Get-S3PreSignedURL -Detailed -Bucket $Bucket -ContentType text/plain -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'content_type_not_put,Get-S3PreSignedURL'
        $failures[0].Exception.Message | Should -Match '-ContentType is not an option of GetObject \(GET\)'
    }

    It 'reports a key over 1024 bytes as invalid_key and goes on' {
        $results = 'ok', ('k' * 1025), 'fine' | Get-S3PreSignedURL -Detailed -Bucket $Bucket -ErrorVariable failures -ErrorAction SilentlyContinue
        $results.Key | Should -Be @('ok', 'fine')
        $failures[0].FullyQualifiedErrorId | Should -Be 'invalid_key,Get-S3PreSignedURL'
    }

    It 'reports a piped object without a Key property as missing_key, with the object as TargetObject' {
        $noKey = [pscustomobject]@{ Bucket = $Bucket; Name = 'no key' }
        $results = $noKey, [pscustomobject]@{ Bucket = $Bucket; Key = 'k' } |
            Get-S3PreSignedURL -Detailed -ErrorVariable failures -ErrorAction SilentlyContinue
        $results.Key | Should -Be @('k') -Because 'the object must not be signed as the key "@{Bucket=...}"'
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'missing_key,Get-S3PreSignedURL'
        [object]::ReferenceEquals($failures[0].TargetObject, $noKey) | Should -Be $true
    }

    It 'reports CSV rows with an empty Bucket or Key cell as missing_bucket / missing_key' {
        $csv = Join-Path $TestDrive 'holes.csv'
        Write-TestFile $csv @('Bucket,Key', "$Bucket,a.txt", ',b.txt', "$Bucket,", "$Bucket,d.txt")
        $rows = Import-Csv $csv
        $results = $rows | Get-S3PreSignedURL -Detailed -ErrorVariable failures -ErrorAction SilentlyContinue
        $results.Key | Should -Be @('a.txt', 'd.txt')
        $failures.FullyQualifiedErrorId | Should -Be @('missing_bucket,Get-S3PreSignedURL', 'missing_key,Get-S3PreSignedURL')
        [object]::ReferenceEquals($failures[0].TargetObject, $rows[1]) | Should -Be $true
        [object]::ReferenceEquals($failures[1].TargetObject, $rows[2]) | Should -Be $true
    }

    It 'reports <Code> as an InvalidArgument error (the caller''s input), with an ArgumentException' -ForEach @(
        @{ Code = 'option_not_for_verb'; Arguments = @{ StorageClass = 'STANDARD_IA' } }   # a PUT header on a GET
        @{ Code = 'invalid_multipart'; Arguments = @{ Verb = 'PUT'; UploadId = 'u'; PartNumber = 10001 } }
        @{ Code = 'invalid_header'; Arguments = @{ Verb = 'PUT'; StorageClass = 'COLD_AS_ICE' } }
    ) {
        $results = 'one', 'two' | Get-S3PreSignedURL -Detailed -Bucket $Bucket @Arguments -ErrorVariable failures -ErrorAction SilentlyContinue
        $results | Should -BeNullOrEmpty
        $failures.Count | Should -Be 2
        $failures[0].FullyQualifiedErrorId | Should -Be "$Code,Get-S3PreSignedURL"
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].Exception | Should -BeOfType [System.ArgumentException]
        $failures.TargetObject | Should -Be @('one', 'two')
    }

    It 'reports a piped key without a bucket as missing_bucket' {
        $null = 'lonely.txt' | Get-S3PreSignedURL -Detailed -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.FullyQualifiedErrorId | Should -Be 'missing_bucket,Get-S3PreSignedURL'
        $failures[0].TargetObject | Should -Be 'lonely.txt'
    }
}

Describe 'Setup failures' {
    BeforeEach { $awsDir = Reset-TestAws }

    It 'stops with invalid_region, saying how to set one, when the region is not a region name' {
        $caught = $null
        try { 'a', 'b' | Get-S3PreSignedURL -Bucket $Bucket -Region 'eu west 1' } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Be 'invalid_region,Get-S3PreSignedURL'
        $caught.Exception.Message | Should -Match '-Region'
        $caught.Exception.Message | Should -Match 'AWS_REGION'
    }

    It 'is a terminating error even with -ErrorAction SilentlyContinue' {
        { Get-S3PreSignedURL -Bucket $Bucket -Key k -Region 'eu west 1' -ErrorAction SilentlyContinue } | Should -Throw -ErrorId 'invalid_region,Get-S3PreSignedURL'
    }

    It 'stops with BinaryNotFound when S3PRESIGN_BIN points nowhere' {
        $env:S3PRESIGN_BIN = Join-Path $TestDrive 'no-such-s3presign'
        $caught = $null
        try { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'BinaryNotFound,Get-S3PreSignedURL'
        $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $caught.Exception.Message | Should -Match 'S3PRESIGN_BIN'
        $caught.Exception.Message | Should -Match 'no-such-s3presign'
    }

    It 'explains how to build or install s3presign when it is nowhere' {
        $os = if ($IsWindows) { 'windows' } elseif ($IsMacOS) { 'macos' } else { 'linux' }
        $arch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
        $bundled = Join-Path $RepoRoot 'module' 'bin' "$os-$arch" ($IsWindows ? 's3presign.exe' : 's3presign')
        $savedPath = $env:PATH
        try {
            Remove-Item env:S3PRESIGN_BIN
            $env:PATH = Join-Path $TestDrive 'empty-path'   # no s3presign on PATH
            if (Test-Path $bundled) {
                # A packaged module ships its binary in module/bin: then that one is found instead.
                (Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message |
                    Should -Match ([regex]::Escape($bundled))
                return
            }
            $caught = $null
            try { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k } catch { $caught = $_ }
            $caught.FullyQualifiedErrorId | Should -Be 'BinaryNotFound,Get-S3PreSignedURL'
            $caught.Exception.Message | Should -Match 'cargo build'
            $caught.Exception.Message | Should -Match 'S3PRESIGN_BIN'
            $caught.Exception.Message | Should -Match 'PATH'
        } finally {
            $env:PATH = $savedPath
        }
    }

    It 'finds s3presign on PATH when S3PRESIGN_BIN is not set' -Skip:$IsWindows {
        $savedPath = $env:PATH
        try {
            $dir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'on-path') -Force
            $null = New-Item -ItemType SymbolicLink -Path (Join-Path $dir 's3presign') -Target $RealBinary
            Remove-Item env:S3PRESIGN_BIN
            $env:PATH = $dir.FullName + [System.IO.Path]::PathSeparator + $savedPath
            (Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k).Url | Should -Match 'X-Amz-Signature='
        } finally {
            $env:PATH = $savedPath
        }
    }

    It 'refuses -Expires together with -ExpiresIn' {
        { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -Expires ([datetime]::UtcNow.AddHours(1)) -ExpiresIn 1h } |
            Should -Throw -ErrorId 'conflicting_expiry,Get-S3PreSignedURL'
    }

    It 'refuses -ProfileName together with -AccessKey' {
        { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ProfileName dev -AccessKey $DevKeyId -SecretKey $DevSecret } |
            Should -Throw -ErrorId 'AmbiguousParameterSet,Get-S3PreSignedURL'
    }

    It 'refuses <What> alone, rather than signing with other credentials' -ForEach @(
        @{ What = '-AccessKey'; Arguments = @{ AccessKey = 'AKIDEXAMPLE' } }
        @{ What = '-SecretKey'; Arguments = @{ SecretKey = 'not-used-anywhere' } }
    ) {
        $err = { Get-S3PreSignedURL -Bucket $Bucket -Key k @Arguments } | Should -Throw -ErrorId 'usage,Get-S3PreSignedURL' -PassThru
        $err.Exception.Message | Should -BeLike '*-AccessKey and -SecretKey go together*'
        $err.Exception.Message | Should -Not -BeLike '*not-used-anywhere*'
    }

    It 'names PowerShell parameters for options a verb does not take (-ServerSideEncryptionMethod, -Acl)' {
        $sse = { Get-S3PreSignedURL -Bucket $Bucket -Key k -ServerSideEncryptionMethod AES256 } | Should -Throw -ErrorId 'option_not_for_verb,Get-S3PreSignedURL' -PassThru
        $sse.Exception.Message | Should -BeLike '-ServerSideEncryptionMethod *'
        $acl = { Get-S3PreSignedURL -Bucket $Bucket -Key k -Acl private } | Should -Throw -ErrorId 'option_not_for_verb,Get-S3PreSignedURL' -PassThru
        $acl.Exception.Message | Should -BeLike '-Acl *'
    }

    It 'puts s3presign''s messages in PowerShell terms, except inside an aws command it suggests' {
        $run = @{ Secrets = [System.Collections.Generic.List[string]]::new() }
        $message = & (Get-Module S3PreSign) { param($Run) Convert-S3PreSignMessage $Run "choose a profile with --profile (-ProfileName) or AWS_PROFILE, or run 'aws sso login --profile NAME'; sse_kms_key_id needs sse aws:kms" } $run
        $message | Should -BeExactly "choose a profile with -ProfileName or AWS_PROFILE, or run 'aws sso login --profile NAME'; -ServerSideEncryptionKeyManagementServiceKeyId needs -ServerSideEncryptionMethod aws:kms"
    }

    It 'refuses -Detailed with -AsString, which ask for different outputs' {
        { Get-S3PreSignedURL -Bucket $Bucket -Key k -Detailed -AsString } | Should -Throw -ErrorId 'usage,Get-S3PreSignedURL'
    }

    It 'names -ProfileLocation when its file is not there, rather than reporting an unknown profile' {
        $missing = Join-Path $TestDrive 'no-such-credentials'
        $err = { Get-S3PreSignedURL -Bucket $Bucket -Key k -ProfileName ops -ProfileLocation $missing } | Should -Throw -ErrorId 'usage,Get-S3PreSignedURL' -PassThru
        $err.Exception.Message | Should -BeLike "-ProfileLocation '*no-such-credentials' is not a file*"
    }

    It 'refuses a -Verb outside GET, PUT, HEAD, DELETE, POST' {
        { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -Verb PATCH } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,Get-S3PreSignedURL'
    }

    It 'reports POST without -UploadId as invalid_verb (POST only completes a multipart upload)' {
        { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -Verb POST } | Should -Throw -ErrorId 'invalid_verb,Get-S3PreSignedURL' -ExpectedMessage '*-UploadId*'
    }

    It 'refuses 7d written inside an expression, where PowerShell reads the decimal 7' {
        $arguments = @{ ExpiresIn = 7d }   # not '7d': this is [decimal]7, which would be 7 seconds
        { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k @arguments } |
            Should -Throw -ErrorId 'invalid_expiry,Get-S3PreSignedURL' -ExpectedMessage "*Quote durations*"
    }

    It 'refuses an -ExpiresIn that is neither a TimeSpan, a number nor a string' {
        { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k -ExpiresIn @{ hours = 1 } } |
            Should -Throw -ErrorId 'invalid_expiry,Get-S3PreSignedURL'
    }
}

Describe 'A misbehaving s3presign' -Skip:$IsWindows {
    BeforeEach { $null = Reset-TestAws }

    It 'stops with ProcessFailed and its standard error when it dies mid-run' {
        $env:S3PRESIGN_BIN = New-TestWrapper 'dies.sh' 'read -r line; echo "s3presign: error: simulated crash" >&2; exit 3'
        $caught = $null
        try { 'a', 'b', 'c' | Get-S3PreSignedURL -Detailed -Bucket $Bucket } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'ProcessFailed,Get-S3PreSignedURL'
        $caught.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $caught.Exception.Message | Should -Match 'simulated crash'
        $caught.Exception.Message | Should -Match 'exit code 3'
    }

    It 'stops with ProcessFailed when it exits 2 without a fatal record' {
        $env:S3PRESIGN_BIN = New-TestWrapper 'usage.sh' 'echo "s3presign: error: unexpected argument" >&2; exit 2'
        { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k } | Should -Throw -ErrorId 'ProcessFailed,Get-S3PreSignedURL'
    }

    It 'stops with ProtocolError (InvalidData) when it writes something that is not a result' {
        $env:S3PRESIGN_BIN = New-TestWrapper 'garbage.sh' 'while read -r line; do echo "hello"; done'
        $caught = $null
        try { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'ProtocolError,Get-S3PreSignedURL'
        $caught.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'stops with ProtocolError when it answers a request that was not sent' {
        $env:S3PRESIGN_BIN = New-TestWrapper 'order.sh' 'cat > /dev/null; echo "https://a/1"; echo "https://a/2"'
        { Get-S3PreSignedURL -Detailed -Bucket $Bucket -Key k } | Should -Throw -ErrorId 'ProtocolError,Get-S3PreSignedURL'
    }
}

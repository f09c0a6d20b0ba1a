# Canaries through the module: secrets given as parameters, and session tokens inside URLs in the
# mangled forms they take when copied out of web pages and mail, never come out of any stream, a
# transcript, an error record's message or TargetObject — literally, percent-encoded or base64.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force

    # Canaries with '/', '+' and '=' so that their encoded forms differ from them.
    $script:Token = 'CANARYtoken/with+plus=and/slash0123456789abcdefCANARY'
    $script:Secret = 'CANARYsecret/key+0123456789abcdefghijCANARY'

    function Get-Form([string]$Text) {
        # The canary as it may appear: as is, percent-encoded (upper and lower hex), twice, base64.
        $once = [uri]::EscapeDataString($Text)
        $Text, $once, $once.ToLowerInvariant(), $once.Replace('%', '%25'), [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Text))
    }

    function Assert-NoCanary([string]$Text, [string[]]$Canary) {
        foreach ($c in $Canary) {
            foreach ($form in Get-Form $c) { $Text.Contains($form) | Should -Be $false -Because "'$form' must not appear in:`n$Text" }
        }
    }

    function Get-EverythingShown($Output) {
        # Every stream's records as text: error records with their message, exception and target;
        # verbose, debug, warning and information records by their message; results with every
        # property. (A record's InvocationInfo holds the caller's own parameters, as for any
        # command: that is the caller's text, not output.)
        ($Output | ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) { "$_"; $_.Exception.ToString(); "$($_.TargetObject)" }
            elseif ($_ -is [string]) { $_ }
            elseif ($_ -is [System.Management.Automation.InformationalRecord]) { $_.Message }
            elseif ($_ -is [System.Management.Automation.InformationRecord]) { "$($_.MessageData)" }
            else { $_ | Format-List * | Out-String -Width 1000; $_ | ConvertTo-Json -Depth 5 }
        }) -join "`n"
    }
}

AfterAll { Restore-TestEnvironment }

Describe 'Session tokens in URLs read back' {
    BeforeEach { $null = Reset-TestAws }

    It 'redacts the token however the URL was mangled, in results and errors' {
        $url = Get-S3PreSignedURL -Bucket $Bucket -Key k -AccessKey $DevKeyId -SecretKey $Secret -SessionToken $Token -Region eu-west-1
        $url | Should -BeLike "*X-Amz-Security-Token=$([uri]::EscapeDataString($Token))*" -Because 'the test needs a token URL'
        $forms = @(
            $url                                                   # as made
            $url.Replace('X-Amz-Security-Token', 'X-Amz-Security%2DToken')   # the name percent-encoded
            $url.Replace('&', '&amp;')                             # copied out of HTML
            $url.Replace('&', '%26')                               # separators percent-encoded: not readable
        )
        $all = $forms | ConvertFrom-S3PreSignedURL -ErrorAction SilentlyContinue -ErrorVariable failed -Verbose -Debug *>&1
        $inspections = @($all | Where-Object { $_.PSObject.TypeNames[0] -eq 'S3PreSign.UrlInspection' })
        $inspections.Count | Should -BeGreaterOrEqual 2 -Because 'the URL as made and with an encoded name are both readable'
        $inspections[0].HasSessionToken | Should -Be $true
        $inspections[1].HasSessionToken | Should -Be $true -Because 'S3 decodes parameter names: the encoded name is the token'
        $inspections | ForEach-Object { $_.Url | Should -BeLike '*REDACTED*' }
        @($failed).Count | Should -BeGreaterOrEqual 1 -Because 'the URL with percent-encoded separators is not a pre-signed URL'
        Assert-NoCanary (Get-EverythingShown ($all + $failed)) $Token, $Secret
    }

    It 'never quotes a line that is not a URL, such as a credentials file piped by mistake' {
        $lines = '[default]', "aws_secret_access_key = $Secret", "aws_session_token = $Token"
        $all = $lines | ConvertFrom-S3PreSignedURL -ErrorAction SilentlyContinue -ErrorVariable failed *>&1
        @($failed).Count | Should -Be 3
        $failed | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'invalid_url,ConvertFrom-S3PreSignedURL'; $_.TargetObject | Should -BeNullOrEmpty }
        Assert-NoCanary (Get-EverythingShown ($all + $failed)) $Token, $Secret
    }
}

Describe 'Secrets given as parameters' {
    BeforeEach { $null = Reset-TestAws }

    It 'keeps them out of the verbose, debug and warning streams, errors and a transcript' {
        $transcript = Join-Path $TestDrive 'transcript.txt'
        Start-Transcript -LiteralPath $transcript -Force | Out-Null
        try {
            $all = 'good', ('k' * 1025) | Get-S3PreSignedURL -Bucket $Bucket -AccessKey $DevKeyId -SecretKey $Secret -SessionToken $Token `
                -Region eu-west-1 -ExpiresIn 1h -ErrorAction SilentlyContinue -ErrorVariable failed -Verbose -Debug *>&1
            $all | Out-Host
            $failed | Out-Host
        } finally { Stop-Transcript | Out-Null }
        @($all | Where-Object { $_ -is [string] -and $_.StartsWith('https://') }).Count | Should -Be 1
        @($failed).Count | Should -Be 1
        # The token travels inside the URL it signs: that one place is cut out before looking.
        $urlToken = "X-Amz-Security-Token=$([uri]::EscapeDataString($Token))"
        $shown = (Get-EverythingShown ($all + $failed)).Replace($urlToken, '')
        Assert-NoCanary $shown $Token, $Secret
        $logged = (Get-Content -LiteralPath $transcript -Raw).Replace($urlToken, '')
        $logged | Should -BeLike '*https://*' -Because 'the transcript recorded the run'
        Assert-NoCanary $logged $Secret, $Token
    }
}

Describe 'Secrets under Set-PSDebug -Trace 2' {
    BeforeEach { $null = Reset-TestAws }

    It 'traces no line that holds a secret key, session token or SSE-C key' {
        # A fresh pwsh, so the trace covers the module's first run; the secrets come from variables the
        # traced command line only names.
        $sseKey = [Convert]::ToBase64String([byte[]](101..132))
        $script = @'
Import-Module $env:TEST_MANIFEST
Set-PSDebug -Trace 2
$url = Get-S3PreSignedURL -BucketName examplebucket -Key k -Verb PUT -AccessKey AKIAI44QH8DHBEXAMPLE -SecretKey $env:TEST_SECRET -SessionToken $env:TEST_TOKEN -Region eu-west-1 -ServerSideEncryptionCustomerProvidedKey $env:TEST_SSE_KEY
Set-PSDebug -Off
"URL $url"
'@
        $env:TEST_MANIFEST, $env:TEST_SECRET, $env:TEST_TOKEN, $env:TEST_SSE_KEY = $ModuleManifest, $Secret, $Token, $sseKey
        try { $traced = (& (Get-Command pwsh -CommandType Application | Select-Object -First 1).Source -NoProfile -NonInteractive -Command $script 2>&1) -join "`n" }
        finally { Remove-Item env:TEST_MANIFEST, env:TEST_SECRET, env:TEST_TOKEN, env:TEST_SSE_KEY }
        $traced | Should -BeLike '*DEBUG:*' -Because 'the trace was written'
        $traced | Should -BeLike '*URL https://examplebucket.s3.eu-west-1.amazonaws.com/k?*' -Because 'the URL was signed'
        $urlToken = "X-Amz-Security-Token=$([uri]::EscapeDataString($Token))"
        Assert-NoCanary $traced.Replace($urlToken, '') $Secret, $Token, $sseKey
    }
}

# S3PreSign: a thin PowerShell wrapper around the s3presign program (see docs/protocol.md).
# One `s3presign batch` process serves a whole pipeline: requests are streamed to its stdin as JSON
# Lines and results are read back, in order, from its stdout while more requests are being written.

Set-StrictMode -Version 3.0

# Request bytes that may be written but not yet answered. The limit is kept below the OS pipe buffer
# (Linux 64 KiB, macOS 16 KiB, Windows ~4 KiB) so a write to the child's stdin never blocks: the child
# only stops reading stdin when its stdout is full, which can only happen while we are not reading,
# and we stop writing (and block on reading instead) before that point.
$script:MaxUnansweredBytes = if ($IsWindows) { 4KB } elseif ($IsMacOS) { 16KB } else { 32KB }

$script:Invariant = [System.Globalization.CultureInfo]::InvariantCulture
$script:UtcStyles = [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor
    [System.Globalization.DateTimeStyles]::AssumeUniversal
$script:JsonNull = [System.Text.Json.JsonValueKind]::Null

# Protocol codes (docs/protocol.md) -> ErrorCategory. Codes not listed get NotSpecified.
$script:ErrorCategories = @{
    # fatal codes
    unknown_profile          = 'ObjectNotFound'
    no_credentials           = 'AuthenticationError'
    no_region                = 'InvalidArgument'
    usage                    = 'InvalidArgument'
    # per-item codes: problems with the input
    missing_bucket           = 'InvalidArgument'
    missing_key              = 'InvalidArgument'
    invalid_bucket           = 'InvalidArgument'
    invalid_key              = 'InvalidArgument'
    invalid_verb             = 'InvalidArgument'
    invalid_expiry           = 'InvalidArgument'
    conflicting_expiry       = 'InvalidArgument'
    expiry_in_past           = 'InvalidArgument'
    expiry_too_far           = 'InvalidArgument'
    content_type_not_put     = 'InvalidArgument'
    endpoint                 = 'InvalidArgument'
    credentials_expire_first = 'InvalidOperation'
    signing                  = 'InvalidOperation'
    # the module wrote a line the program could not read: a bug here, not the caller's fault
    invalid_json             = 'InvalidData'
    empty_line               = 'InvalidData'
    unknown_field            = 'InvalidData'
    invalid_field            = 'InvalidData'
}

function New-S3PreSignError {
    # An ErrorRecord whose ErrorId is the protocol code, so callers can test FullyQualifiedErrorId.
    param([string]$Code, [string]$Message, [object]$Target)
    $category = $script:ErrorCategories[$Code]
    if (-not $category) { $category = 'NotSpecified' }
    $exception = if ($category -eq 'InvalidArgument') {
        [System.ArgumentException]::new($Message)
    } else {
        [System.InvalidOperationException]::new($Message)
    }
    [System.Management.Automation.ErrorRecord]::new($exception, $Code, $category, $Target)
}

function Format-S3PreSignInstant {
    # RFC 3339 UTC to the second; Local and Unspecified times are taken as local time.
    param([datetime]$Value)
    if ($Value.Kind -ne [System.DateTimeKind]::Utc) { $Value = $Value.ToUniversalTime() }
    $Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", $script:Invariant)
}

function Resolve-S3PreSignBinary {
    # $env:S3PRESIGN_BIN, then the copy shipped in module/bin/<os>-<arch>/, then PATH.
    param([System.Management.Automation.PSCmdlet]$Cmdlet)
    if ($env:S3PRESIGN_BIN) {
        $path = $Cmdlet.GetUnresolvedProviderPathFromPSPath($env:S3PRESIGN_BIN)
        if (Test-Path -LiteralPath $path -PathType Leaf) { return $path }
        $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'BinaryNotFound' (
            "`$env:S3PRESIGN_BIN is set to '$($env:S3PRESIGN_BIN)', but there is no file there. " +
            'Point it at a built s3presign program (cargo build --release; target/release/s3presign) or remove it ' +
            'to use the copy in the module or on PATH.') $env:S3PRESIGN_BIN))
    }
    $os = if ($IsWindows) { 'windows' } elseif ($IsMacOS) { 'macos' } else { 'linux' }
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
    $exe = if ($IsWindows) { 's3presign.exe' } else { 's3presign' }
    $bundled = Join-Path $PSScriptRoot 'bin' "$os-$arch" $exe
    if (Test-Path -LiteralPath $bundled -PathType Leaf) { return $bundled }
    $command = Get-Command -Name s3presign -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($command) { return $command.Source }
    $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'BinaryNotFound' (
        "The s3presign program was not found. Build it from the s3presign sources with 'cargo build --release', " +
        "then either set `$env:S3PRESIGN_BIN to the built file (target/release/$exe), copy it to '$bundled', " +
        'or install it on PATH (cargo install --path .).') $null))
}

function Start-S3PreSignProcess {
    # Starts `s3presign batch` and returns the session state shared by the other functions.
    param([string]$Path, [string[]]$Arguments, [hashtable]$Environment)
    $psi = [System.Diagnostics.ProcessStartInfo]::new($Path)
    foreach ($argument in $Arguments) { $psi.ArgumentList.Add($argument) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $utf8 = [System.Text.UTF8Encoding]::new($false)   # no BOM: it would corrupt the first request line
    $psi.StandardInputEncoding = $utf8
    $psi.StandardOutputEncoding = $utf8
    $psi.StandardErrorEncoding = $utf8
    $psi.WorkingDirectory = [System.Environment]::CurrentDirectory
    # Credentials travel only in the child's environment, never on its command line (visible to `ps`).
    foreach ($name in $Environment.Keys) {
        if ($null -eq $Environment[$name]) { [void]$psi.Environment.Remove($name) }
        else { $psi.Environment[$name] = $Environment[$name] }
    }
    $process = [System.Diagnostics.Process]::new()
    $process.StartInfo = $psi
    [void]$process.Start()
    $process.StandardInput.NewLine = "`n"
    @{
        Process    = $process
        Stdin      = $process.StandardInput          # AutoFlush: each request reaches the child at once
        Stdout     = $process.StandardOutput
        ReadTask   = $process.StandardOutput.ReadLineAsync()   # always exactly one pending read
        StderrTask = $process.StandardError.ReadToEndAsync()   # stderr is small; collect it in the background
        Eof        = $false
        Queue      = [System.Collections.Generic.Queue[object]]::new()   # (line, bytes, input) per request
        Unanswered = 0
        LineNumber = 0
        Warned     = [System.Collections.Generic.HashSet[string]]::new()
    }
}

function Get-S3PreSignStderr {
    param([hashtable]$Session)
    $task = $Session.StderrTask
    if ($task.Wait(5000)) { return $task.Result.Trim() }
    ''
}

function Stop-S3PreSignSession {
    # Called from `clean`: the child must not outlive the pipeline (Ctrl+C, -ErrorAction Stop, Select -First).
    param([hashtable]$Session)
    $process = $Session.Process
    try { if (-not $process.HasExited) { $process.Kill($true) } } catch { Write-Debug "kill: $_" }
    $process.Dispose()
}

function Write-S3PreSignWarning {
    # Each distinct warning once per pipeline: a run-wide warning would otherwise repeat for every URL.
    param([hashtable]$Session, [System.Management.Automation.PSCmdlet]$Cmdlet, [string]$Message)
    if ($Session.Warned.Add($Message)) { $Cmdlet.WriteWarning($Message) }
}

function Stop-S3PreSignWithProcessFailure {
    # The child ended without answering everything, or with an exit code that the results don't explain.
    param([hashtable]$Session, [System.Management.Automation.PSCmdlet]$Cmdlet, [string]$What)
    $process = $Session.Process
    if (-not $process.WaitForExit(5000)) { $process.Kill($true); $process.WaitForExit() }
    $stderr = Get-S3PreSignStderr $Session
    if (-not $stderr) { $stderr = '(nothing on standard error)' }
    $message = "s3presign $What (exit code $($process.ExitCode)): $stderr"
    $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'ProcessFailed' $message $null))
}

function Receive-S3PreSignResult {
    # Reads result lines and emits them as objects or errors.
    #   Mode 'Completed': only lines that have already arrived (never blocks).
    #   Mode 'Room':      also blocks until $Needed more request bytes fit under the unanswered limit.
    #   Mode 'All':       blocks until the child's stdout ends (after stdin was closed).
    param([hashtable]$Session, [System.Management.Automation.PSCmdlet]$Cmdlet, [string]$Mode,
        [int]$Needed, [bool]$AsString)
    $queue = $Session.Queue
    while (-not $Session.Eof) {
        $task = $Session.ReadTask
        if (-not $task.IsCompleted) {
            $wait = switch ($Mode) {
                'Completed' { $false }
                'Room' { $queue.Count -gt 0 -and $Session.Unanswered + $Needed -gt $script:MaxUnansweredBytes }
                default { $true }
            }
            if (-not $wait) { return }
            while (-not $task.Wait(200)) { }   # short waits let Ctrl+C stop the pipeline
        }
        $line = $task.Result
        if ($null -eq $line) {
            $Session.Eof = $true
            if ($queue.Count -gt 0) {
                Stop-S3PreSignWithProcessFailure $Session $Cmdlet "stopped before answering $($queue.Count) request(s)"
            }
            return
        }
        $Session.ReadTask = $Session.Stdout.ReadLineAsync()

        try { $doc = [System.Text.Json.JsonDocument]::Parse($line) }
        catch {
            $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'ProtocolError' "s3presign wrote a line that is not JSON: $line" $null))
        }
        try {
            $r = $doc.RootElement
            $type = $r.GetProperty('type').GetString()
            if ($type -eq 'fatal') {
                $code = $r.GetProperty('code').GetString()
                # The program's messages already name the PowerShell parameters (-Region, -ProfileName).
                $Cmdlet.ThrowTerminatingError((New-S3PreSignError $code $r.GetProperty('message').GetString() $null))
            }
            if ($queue.Count -eq 0) {
                $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'ProtocolError' "s3presign answered a request that was not sent: $line" $null))
            }
            $request = $queue.Dequeue()
            $Session.Unanswered -= $request[1]
            if ($r.GetProperty('line').GetInt64() -ne $request[0]) {
                $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'ProtocolError' "s3presign answered out of order (expected line $($request[0])): $line" $null))
            }

            if ($type -eq 'url') {
                foreach ($warning in $r.GetProperty('warnings').EnumerateArray()) {
                    Write-S3PreSignWarning $Session $Cmdlet $warning.GetString()
                }
                if ($AsString) {
                    $Cmdlet.WriteObject($r.GetProperty('url').GetString())
                    continue
                }
                $headers = foreach ($header in $r.GetProperty('headers').EnumerateObject()) {
                    $header.Name + ': ' + $header.Value.GetString()
                }
                $credentialsExpire = $r.GetProperty('credentials_expire_at')
                $versionId = $r.GetProperty('version_id')
                $contentType = $r.GetProperty('content_type')
                $Cmdlet.WriteObject([pscustomobject]@{
                        PSTypeName          = 'S3PreSign.PresignedUrl'
                        Bucket              = $r.GetProperty('bucket').GetString()
                        Key                 = $r.GetProperty('key').GetString()
                        Verb                = $r.GetProperty('verb').GetString()
                        Url                 = $r.GetProperty('url').GetString()
                        ExpiresAt           = [datetime]::Parse($r.GetProperty('expires_at').GetString(), $script:Invariant, $script:UtcStyles)
                        EffectiveExpiresAt  = [datetime]::Parse($r.GetProperty('effective_expires_at').GetString(), $script:Invariant, $script:UtcStyles)
                        CredentialExpiresAt = if ($credentialsExpire.ValueKind -eq $script:JsonNull) { $null } else {
                            [datetime]::Parse($credentialsExpire.GetString(), $script:Invariant, $script:UtcStyles) }
                        SignedAt            = [datetime]::Parse($r.GetProperty('signed_at').GetString(), $script:Invariant, $script:UtcStyles)
                        ExpiresInSeconds    = $r.GetProperty('expires_in_seconds').GetInt64()
                        Region              = $r.GetProperty('region').GetString()
                        VersionId           = if ($versionId.ValueKind -eq $script:JsonNull) { $null } else { $versionId.GetString() }
                        ContentType         = if ($contentType.ValueKind -eq $script:JsonNull) { $null } else { $contentType.GetString() }
                        # One "Name: value" per line: flat for Export-Csv, unambiguous even if a value has ';'.
                        Headers             = if ($headers) { $headers -join "`n" } else { '' }
                    })
            } elseif ($type -eq 'error') {
                $code = $r.GetProperty('code').GetString()
                $Cmdlet.WriteError((New-S3PreSignError $code $r.GetProperty('message').GetString() $request[2]))
            } else {
                $Cmdlet.WriteError((New-S3PreSignError 'ProtocolError' "s3presign answered with an unknown result type: $line" $request[2]))
            }
        } finally {
            $doc.Dispose()
        }
    }
}

function Get-S3PreSignedURL {
    <#
    .SYNOPSIS
    Makes pre-signed S3 URLs (AWS Signature Version 4), one per input object, without contacting AWS.

    .DESCRIPTION
    Get-S3PreSignedURL signs GET, PUT, HEAD or DELETE requests for S3 objects with the s3presign program,
    which it runs once per pipeline however many objects flow through it. Parameter names follow
    AWS.Tools.S3's Get-S3PreSignedURL (-BucketName, -Expire, -ProfileName, ...), so existing scripts keep
    working; the output of Get-S3Object, rows of Import-Csv and plain strings (keys) can be piped in.

    Each result is an S3PreSign.PresignedUrl object with flat properties (Bucket, Key, Verb, Url,
    ExpiresAt, EffectiveExpiresAt, CredentialExpiresAt, SignedAt, ExpiresInSeconds, Region, VersionId,
    ContentType, Headers); all times are UTC. EffectiveExpiresAt is when the URL really stops working:
    the earlier of ExpiresAt and the expiry of temporary credentials. -AsString emits only the URLs.

    An item that cannot be signed (invalid bucket name, expiry in the past or more than 7 days away, ...)
    becomes a non-terminating error whose FullyQualifiedErrorId starts with the s3presign error code
    (e.g. expiry_in_past) and whose TargetObject is the input object; the other items are still signed.
    Setup problems (unknown profile, no credentials, no region) stop the command.

    The program is found through $env:S3PRESIGN_BIN, then the module's bin/<os>-<arch>/ folder, then PATH.

    .PARAMETER Bucket
    The bucket name. Binds from the BucketName or Bucket property of piped objects.

    .PARAMETER Key
    The object key, as stored (not URL-encoded). Piped strings are keys; binds from the Key property.

    .PARAMETER VersionId
    Sign a request for this version of the object. Binds from the VersionId property of piped objects.

    .PARAMETER Expires
    When the URL expires. Local and unspecified times are converted to UTC. At most 7 days after signing.

    .PARAMETER ExpiresIn
    How long the URL lives: a TimeSpan, a number of seconds, or a duration such as 90s, 15m, 12h, 7d,
    1d12h. Without -Expires or -ExpiresIn the URL lives 1 hour.

    .PARAMETER Verb
    The HTTP method the URL allows: GET (default), PUT, HEAD or DELETE.

    .PARAMETER ProfileName
    The AWS profile (from the AWS config and credentials files) to sign with.

    .PARAMETER ProfileLocation
    A credentials file to read profiles from instead of the default one.

    .PARAMETER AccessKey
    An access key ID to sign with instead of a profile. Passed to s3presign in its environment only.

    .PARAMETER SecretKey
    The secret access key for -AccessKey. It never appears on a command line or in any output.

    .PARAMETER SessionToken
    The session token of temporary credentials given with -AccessKey and -SecretKey.

    .PARAMETER Region
    The region to sign for (e.g. eu-west-1). Otherwise taken from AWS_REGION or the profile.

    .PARAMETER EndpointUrl
    A custom S3 endpoint (e.g. http://127.0.0.1:9000 for a local S3-compatible server).

    .PARAMETER ForcePathStyle
    Put the bucket in the path (https://host/bucket/key) instead of the host name.

    .PARAMETER UseAccelerateEndpoint
    Use the S3 Transfer Acceleration endpoint.

    .PARAMETER UseDualstackEndpoint
    Use the dual-stack (IPv4 and IPv6) endpoint.

    .PARAMETER Protocol
    HTTPS (default) or HTTP for the URL scheme.

    .PARAMETER ContentType
    For PUT: the Content-Type the uploader must send; it is signed, and listed in the Headers property.

    .PARAMETER StrictExpiry
    Fail items whose URL would outlive the signing credentials instead of only warning.

    .PARAMETER StartTime
    Sign as if at this instant instead of now: for reproducible URLs and tests.

    .PARAMETER AsString
    Emit only the URL strings, like AWS.Tools.S3.

    .EXAMPLE
    Get-S3PreSignedURL -Bucket reports -Key 2025/q1/summary.pdf -Expires (Get-Date).AddDays(2)

    Signs a GET URL for one object that expires in two days.

    .EXAMPLE
    Get-S3Object -BucketName reports -KeyPrefix 2025/q1/ | Get-S3PreSignedURL -ExpiresIn 7d

    Signs a 7-day download link for every object that AWS.Tools.S3's Get-S3Object lists; the bucket and
    key come from the BucketName and Key properties.

    .EXAMPLE
    Import-Csv keys.csv | Get-S3PreSignedURL -ExpiresIn 12h -ProfileName prod | Select-Object Bucket, Key, Url, EffectiveExpiresAt | Export-Csv links.csv -NoTypeInformation

    Reads Bucket,Key[,VersionId] rows and writes one link per row to links.csv, signing with profile prod.

    .EXAMPLE
    $upload = Get-S3PreSignedURL -Bucket uploads -Key photos/cat.jpg -Verb PUT -ContentType image/jpeg -ExpiresIn 15m
    Invoke-WebRequest -Method Put -Uri $upload.Url -InFile cat.jpg -ContentType image/jpeg

    Signs an upload URL. The uploader must send the same Content-Type header (see the Headers property).

    .EXAMPLE
    $links = Get-Content keys.txt | Get-S3PreSignedURL -Bucket reports -ExpiresIn 1d -ErrorVariable failed -ErrorAction SilentlyContinue
    $links | Export-Csv links.csv -NoTypeInformation
    foreach ($e in $failed) { Write-Output "not signed: $($e.TargetObject): $($e.Exception.Message)" }
    if ($failed) { exit 1 }

    In a scheduled script: signs what can be signed, collects the failures (bad key, bad bucket name, ...)
    in $failed without stopping, logs them and reports failure through the exit code.

    .EXAMPLE
    'a.txt', 'b.txt' | Get-S3PreSignedURL -Bucket reports -AsString

    Emits just the two URLs as strings (valid for 1 hour).

    .OUTPUTS
    S3PreSign.PresignedUrl, or System.String with -AsString.

    .LINK
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html
    #>
    [CmdletBinding(DefaultParameterSetName = 'Profile', PositionalBinding = $false)]
    [OutputType('S3PreSign.PresignedUrl', [string])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('BucketName')]
        [ValidateNotNullOrEmpty()]
        [string]$Bucket,

        # [string[]] rather than [string]: -Key a,b must not become the single key "a b".
        [Parameter(Mandatory, Position = 1, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string[]]$Key,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string]$VersionId,

        [Alias('Expire')]
        [datetime]$Expires,

        # [object]: a TimeSpan, seconds, or a duration string. `-ExpiresIn 7d` arrives as the decimal 7
        # (PowerShell's d suffix); casting the argument to [string] recovers the typed text "7d".
        [object]$ExpiresIn,

        [ValidateSet('GET', 'PUT', 'HEAD', 'DELETE')]
        [string]$Verb = 'GET',

        [Parameter(ParameterSetName = 'Profile')]
        [Alias('Profile', 'StoredCredentials', 'AWSProfileName')]
        [ValidateNotNullOrEmpty()]
        [string]$ProfileName,

        [Parameter(ParameterSetName = 'Profile')]
        [ValidateNotNullOrEmpty()]
        [string]$ProfileLocation,

        [Parameter(Mandatory, ParameterSetName = 'AccessKey')]
        [ValidateNotNullOrEmpty()]
        [string]$AccessKey,

        [Parameter(Mandatory, ParameterSetName = 'AccessKey')]
        [ValidateNotNullOrEmpty()]
        [string]$SecretKey,

        [Parameter(ParameterSetName = 'AccessKey')]
        [string]$SessionToken,

        [ValidateNotNullOrEmpty()]
        [string]$Region,

        [ValidateNotNullOrEmpty()]
        [string]$EndpointUrl,

        [Alias('ForcePathStyleAddressing')]
        [switch]$ForcePathStyle,

        [switch]$UseAccelerateEndpoint,

        [switch]$UseDualstackEndpoint,

        [ValidateSet('HTTP', 'HTTPS')]
        [string]$Protocol = 'HTTPS',

        [ValidateNotNullOrEmpty()]
        [string]$ContentType,

        [switch]$StrictExpiry,

        [datetime]$StartTime,

        [switch]$AsString
    )

    begin {
        $session = $null
        if ($PSBoundParameters.ContainsKey('Expires') -and $PSBoundParameters.ContainsKey('ExpiresIn')) {
            $PSCmdlet.ThrowTerminatingError((New-S3PreSignError 'conflicting_expiry' (
                'Give either -Expires (an instant) or -ExpiresIn (a lifetime), not both.') $null))
        }
        $binary = Resolve-S3PreSignBinary $PSCmdlet

        $arguments = [System.Collections.Generic.List[string]]::new()
        $arguments.AddRange([string[]]('batch', '--protocol', '1', '--verb', $Verb.ToUpperInvariant()))
        if ($PSBoundParameters.ContainsKey('Expires')) { $arguments.AddRange([string[]]('--expires', (Format-S3PreSignInstant $Expires))) }
        if ($PSBoundParameters.ContainsKey('ExpiresIn')) {
            $lifetime = if ($ExpiresIn -is [timespan]) {
                [string][long][Math]::Truncate(([timespan]$ExpiresIn).TotalSeconds)
            } elseif ($ExpiresIn -is [string] -or $ExpiresIn -is [ValueType]) {
                [string]$ExpiresIn   # keeps "7d" as typed (see the parameter)
            } else {
                $PSCmdlet.ThrowTerminatingError((New-S3PreSignError 'invalid_expiry' (
                    "-ExpiresIn takes a TimeSpan, a number of seconds or a duration such as 12h or 7d, not a $($ExpiresIn.GetType().Name).") $ExpiresIn))
            }
            $arguments.AddRange([string[]]('--expires-in', $lifetime))
        }
        if ($PSBoundParameters.ContainsKey('StartTime')) { $arguments.AddRange([string[]]('--start-time', (Format-S3PreSignInstant $StartTime))) }
        if ($ProfileName) { $arguments.AddRange([string[]]('--profile', $ProfileName)) }
        if ($ProfileLocation) {
            $arguments.AddRange([string[]]('--credentials-file', $PSCmdlet.GetUnresolvedProviderPathFromPSPath($ProfileLocation)))
        }
        if ($Region) { $arguments.AddRange([string[]]('--region', $Region)) }
        if ($EndpointUrl) { $arguments.AddRange([string[]]('--endpoint-url', $EndpointUrl)) }
        if ($ForcePathStyle) { $arguments.Add('--path-style') }
        if ($UseAccelerateEndpoint) { $arguments.Add('--accelerate') }
        if ($UseDualstackEndpoint) { $arguments.Add('--dualstack') }
        if ($Protocol -eq 'HTTP') { $arguments.Add('--http') }
        if ($ContentType) { $arguments.AddRange([string[]]('--content-type', $ContentType)) }
        if ($StrictExpiry) { $arguments.Add('--strict-expiry') }

        # Explicit keys replace whatever the environment would have chosen: drop the inherited profile and
        # session token (a token from other keys would make the signature invalid). $null = remove.
        $environment = @{}
        if ($PSCmdlet.ParameterSetName -eq 'AccessKey') {
            $environment['AWS_ACCESS_KEY_ID'] = $AccessKey
            $environment['AWS_SECRET_ACCESS_KEY'] = $SecretKey
            $environment['AWS_SESSION_TOKEN'] = if ($SessionToken) { $SessionToken } else { $null }
            $environment['AWS_SECURITY_TOKEN'] = $null
            $environment['AWS_PROFILE'] = $null
        }

        Write-Verbose "Starting $binary $($arguments -join ' ')"   # no secrets: those are in the environment
        $session = Start-S3PreSignProcess $binary $arguments $environment
        $asString = $AsString.IsPresent
    }

    process {
        # Errors point back at what was piped in (a Get-S3Object result, a CSV row, ...), or at the key.
        $inputObject = if ($PSCmdlet.MyInvocation.ExpectingInput) { $_ } else { $null }
        $bucketJson = [System.Text.Json.JsonEncodedText]::Encode($Bucket).ToString()
        $versionJson = if ($VersionId) { ',"version_id":"' + [System.Text.Json.JsonEncodedText]::Encode($VersionId).ToString() + '"' } else { '' }
        foreach ($k in $Key) {
            # The default encoder escapes every non-ASCII character, so the line's length is its UTF-8 size.
            $request = '{"bucket":"' + $bucketJson + '","key":"' + [System.Text.Json.JsonEncodedText]::Encode($k).ToString() + '"' + $versionJson + '}'
            $bytes = $request.Length + 1
            if ($session.Unanswered + $bytes -gt $script:MaxUnansweredBytes) {
                Receive-S3PreSignResult $session $PSCmdlet 'Room' $bytes $asString
            }
            $session.LineNumber++
            $session.Queue.Enqueue(@($session.LineNumber, $bytes, ($null -ne $inputObject ? $inputObject : $k)))
            $session.Unanswered += $bytes
            try {
                $session.Stdin.WriteLine($request)
            } catch {
                # The child is gone (e.g. a setup failure): its last words explain why better than EPIPE does.
                Receive-S3PreSignResult $session $PSCmdlet 'All' 0 $asString
                Stop-S3PreSignWithProcessFailure $session $PSCmdlet "stopped reading requests ($($_.Exception.Message))"
            }
        }
        Receive-S3PreSignResult $session $PSCmdlet 'Completed' 0 $asString
    }

    end {
        try { $session.Stdin.Close() } catch { Write-Debug "closing stdin: $_" }   # tells the child we are done
        Receive-S3PreSignResult $session $PSCmdlet 'All' 0 $asString
        $process = $session.Process
        if (-not $process.WaitForExit(10000)) {
            Stop-S3PreSignWithProcessFailure $session $PSCmdlet 'did not exit after answering every request'
        }
        $stderr = Get-S3PreSignStderr $session
        foreach ($line in $stderr -split '\r?\n') {
            if ($line.StartsWith('s3presign: warning: ')) {
                Write-S3PreSignWarning $session $PSCmdlet $line.Substring('s3presign: warning: '.Length)
            } elseif ($line) {
                Write-Verbose $line
            }
        }
        # 0: all signed; 1: some items failed (already reported one by one). Anything else is a failure
        # that no result explained (a fatal record would already have stopped us).
        if ($process.ExitCode -notin 0, 1) {
            Stop-S3PreSignWithProcessFailure $session $PSCmdlet 'failed'
        }
    }

    clean {
        if ($session) { Stop-S3PreSignSession $session }
    }
}

Export-ModuleMember -Function Get-S3PreSignedURL

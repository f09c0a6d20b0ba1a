# S3PreSign: a thin PowerShell wrapper around the s3presign program (see docs/protocol.md).
# One `s3presign batch` process serves a whole pipeline: requests are streamed to its stdin as JSON
# Lines and results are read back, in order, from its stdout while more requests are being written.
#
# The per-item work lives in PowerShell classes rather than functions: a method call costs a small
# fraction of a function call, and the hot path runs once per object (the goal is 100k objects in seconds).
# Every class is [NoRunspaceAffinity()] (PowerShell 7.4+): otherwise its methods run in the runspace
# that first imported the module, so a thread job or ForEach-Object -Parallel that calls
# Get-S3PreSignedURL while that runspace is busy (e.g. in Wait-Job) would hang.

Set-StrictMode -Version 3.0

# One result line as docs/protocol.md defines it, filled by System.Text.Json (snake_case names).
# Fields the module does not know are ignored, as the protocol asks ("only ever grows by adding fields").
[NoRunspaceAffinity()]
class S3PreSignResult {
    [string]$Type
    [long]$Line
    [string]$Bucket
    [string]$Key
    [string]$Verb
    [string]$Url
    [string]$Region
    [string]$SignedAt
    [string]$ExpiresAt
    [long]$ExpiresInSeconds
    [string]$CredentialsExpireAt
    [string]$EffectiveExpiresAt
    [string]$VersionId
    [string]$ContentType
    [System.Collections.Generic.Dictionary[string, string]]$Headers
    [string[]]$Warnings
    [string]$Code
    [string]$Message
}

# A running `s3presign batch` and the requests it has not answered yet.
[NoRunspaceAffinity()]
class S3PreSignBatch {
    # Request bytes that may be written but not yet answered. Kept at or below the OS pipe buffer
    # (Linux 64 KiB, macOS 16 KiB, Windows ~4 KiB) so a write to the child's stdin never blocks: the
    # child only stops reading stdin when its stdout is full, which can only happen while we are not
    # reading, and we stop writing (and wait for results instead) before that point. No threads needed.
    static [int] $MaxUnansweredBytes = $(if ($IsWindows) { 4KB } elseif ($IsMacOS) { 16KB } else { 32KB })

    static [System.Text.Json.JsonSerializerOptions] $JsonOptions = [System.Text.Json.JsonSerializerOptions]@{
        PropertyNamingPolicy = [System.Text.Json.JsonNamingPolicy]::SnakeCaseLower
    }

    # Protocol codes -> ErrorCategory; codes not listed (including future ones) get NotSpecified.
    static [hashtable] $Categories = @{
        unknown_profile = 'ObjectNotFound'; no_credentials = 'AuthenticationError'
        no_region = 'InvalidArgument'; usage = 'InvalidArgument'
        # the caller's input
        missing_bucket = 'InvalidArgument'; missing_key = 'InvalidArgument'; invalid_bucket = 'InvalidArgument'
        invalid_key = 'InvalidArgument'; invalid_verb = 'InvalidArgument'; invalid_expiry = 'InvalidArgument'
        conflicting_expiry = 'InvalidArgument'; expiry_in_past = 'InvalidArgument'; expiry_too_far = 'InvalidArgument'
        content_type_not_put = 'InvalidArgument'; endpoint = 'InvalidArgument'
        credentials_expire_first = 'InvalidOperation'; signing = 'InvalidOperation'
        # the module wrote a line the program could not read: a bug here, not the caller's fault
        invalid_json = 'InvalidData'; empty_line = 'InvalidData'; unknown_field = 'InvalidData'; invalid_field = 'InvalidData'
    }

    hidden [System.Management.Automation.PSCmdlet] $Cmdlet
    hidden [bool] $AsString
    hidden [System.Diagnostics.Process] $Process
    hidden [System.IO.StreamWriter] $Stdin
    hidden [System.IO.StreamReader] $Stdout
    hidden [System.Threading.Tasks.Task[string]] $ReadTask      # always exactly one pending stdout read
    hidden [System.Threading.Tasks.Task[string]] $StderrTask    # stderr is small: collected in the background
    hidden [bool] $Eof
    # One @(line number, request bytes, input object) per request sent and not answered yet, in order.
    hidden [System.Collections.Generic.Queue[object]] $Pending = [System.Collections.Generic.Queue[object]]::new()
    hidden [long] $Unanswered
    hidden [long] $LineNumber
    hidden [System.Collections.Generic.HashSet[string]] $Warned = [System.Collections.Generic.HashSet[string]]::new()

    static [System.Management.Automation.ErrorRecord] NewError([string]$code, [string]$message, [object]$target) {
        # ErrorId = the protocol code, so callers can test FullyQualifiedErrorId -like 'expiry_in_past,*'.
        $category = [S3PreSignBatch]::Categories[$code]
        if (-not $category) { $category = 'NotSpecified' }
        $exception = if ($category -eq 'InvalidArgument') { [System.ArgumentException]::new($message) }
        else { [System.InvalidOperationException]::new($message) }
        return [System.Management.Automation.ErrorRecord]::new($exception, $code, $category, $target)
    }

    S3PreSignBatch([string]$path, [string[]]$arguments, [hashtable]$environment,
        [System.Management.Automation.PSCmdlet]$cmdlet, [bool]$asString) {
        $this.Cmdlet = $cmdlet
        $this.AsString = $asString
        $psi = [System.Diagnostics.ProcessStartInfo]::new($path)
        foreach ($argument in $arguments) { $psi.ArgumentList.Add($argument) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $utf8 = [System.Text.UTF8Encoding]::new($false)   # no BOM: it would corrupt the first request line
        $psi.StandardInputEncoding = $utf8
        $psi.StandardOutputEncoding = $utf8
        $psi.StandardErrorEncoding = $utf8
        # Credentials travel only in the child's environment, never on its command line (visible to `ps`).
        foreach ($name in $environment.Keys) {
            if ($null -eq $environment[$name]) { [void]$psi.Environment.Remove($name) }
            else { $psi.Environment[$name] = $environment[$name] }
        }
        $this.Process = [System.Diagnostics.Process]::new()
        $this.Process.StartInfo = $psi
        try { [void]$this.Process.Start() }
        catch {
            $cmdlet.ThrowTerminatingError([S3PreSignBatch]::NewError('BinaryNotStarted',
                "Could not start '$path': $($_.Exception.GetBaseException().Message)", $path))
        }
        $this.Stdin = $this.Process.StandardInput   # AutoFlush: each request reaches the child at once
        $this.Stdin.NewLine = "`n"
        $this.Stdout = $this.Process.StandardOutput
        $this.ReadTask = $this.Stdout.ReadLineAsync()
        $this.StderrTask = $this.Process.StandardError.ReadToEndAsync()
    }

    # Sends one request line (ASCII JSON) answered later for $target, then hands on what has arrived.
    [void] Send([string]$request, [object]$target) {
        $bytes = $request.Length + 1
        if ($this.Unanswered + $bytes -gt [S3PreSignBatch]::MaxUnansweredBytes) { $this.Receive('Room', $bytes) }
        $this.LineNumber++
        $this.Pending.Enqueue(@($this.LineNumber, $bytes, $target))
        $this.Unanswered += $bytes
        try { $this.Stdin.WriteLine($request) }
        catch {
            # The child is gone (e.g. a setup failure): its own last words explain why better than EPIPE.
            $this.Receive('All', 0)
            $this.Fail("stopped reading requests ($($_.Exception.Message))")
        }
        if ($this.ReadTask.IsCompleted) { $this.Receive('Completed', 0) }   # skips a call when nothing came
    }

    # Reads result lines and emits them.
    #   'Completed': only lines that have already arrived (never blocks).
    #   'Room':      also waits until $needed more request bytes fit under MaxUnansweredBytes.
    #   'All':       waits until the child's stdout ends (after stdin was closed, or the child died).
    [void] Receive([string]$mode, [int]$needed) {
        while (-not $this.Eof) {
            $task = $this.ReadTask
            if (-not $task.IsCompleted) {
                if ($mode -eq 'Completed') { return }
                if ($mode -eq 'Room' -and ($this.Pending.Count -eq 0 -or
                        $this.Unanswered + $needed -le [S3PreSignBatch]::MaxUnansweredBytes)) { return }
                while (-not $task.Wait(200)) { }   # short waits let Ctrl+C stop the pipeline
            }
            $line = $task.Result
            if ($null -eq $line) {
                $this.Eof = $true
                if ($this.Pending.Count -gt 0) { $this.Fail("stopped before answering $($this.Pending.Count) request(s)") }
                return
            }
            $this.ReadTask = $this.Stdout.ReadLineAsync()
            $this.Emit($line)
        }
    }

    hidden [void] Emit([string]$line) {
        try { $r = [System.Text.Json.JsonSerializer]::Deserialize($line, [S3PreSignResult], [S3PreSignBatch]::JsonOptions) }
        catch { $r = $null }
        if ($null -eq $r -or -not $r.Type) {
            $this.ProtocolError("a line that is not a result: $($line.Substring(0, [Math]::Min(100, $line.Length)))")
        }
        if ($r.Type -eq 'fatal') {
            # Setup failure: nothing can be signed. The program's message already names -Region etc.
            $this.Cmdlet.ThrowTerminatingError([S3PreSignBatch]::NewError($r.Code, $r.Message, $null))
        }
        # (Messages name lines, never quote them: a result's URL may hold a session token.)
        if ($this.Pending.Count -eq 0) { $this.ProtocolError("an answer (line $($r.Line)) to a request that was not sent") }
        $request = $this.Pending.Dequeue()
        $this.Unanswered -= $request[1]
        if ($r.Line -ne $request[0]) { $this.ProtocolError("line $($r.Line) where line $($request[0]) was expected") }

        if ($r.Type -eq 'error') {
            $this.Cmdlet.WriteError([S3PreSignBatch]::NewError($r.Code, $r.Message, $request[2]))
            return
        }
        if ($r.Type -ne 'url') { $this.ProtocolError("a result of unknown type '$($r.Type)' (line $($r.Line))") }
        if ($r.Warnings) { foreach ($warning in $r.Warnings) { $this.Warn($warning) } }
        if ($this.AsString) {
            $this.Cmdlet.WriteObject($r.Url)
            return
        }
        $invariant = [System.Globalization.CultureInfo]::InvariantCulture
        $utc = [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor [System.Globalization.DateTimeStyles]::AssumeUniversal
        $this.Cmdlet.WriteObject([pscustomobject]@{
                PSTypeName          = 'S3PreSign.PresignedUrl'
                Bucket              = $r.Bucket
                Key                 = $r.Key
                Verb                = $r.Verb
                Url                 = $r.Url
                ExpiresAt           = [datetime]::Parse($r.ExpiresAt, $invariant, $utc)
                EffectiveExpiresAt  = [datetime]::Parse($r.EffectiveExpiresAt, $invariant, $utc)
                CredentialExpiresAt = if ($r.CredentialsExpireAt) { [datetime]::Parse($r.CredentialsExpireAt, $invariant, $utc) } else { $null }
                SignedAt            = [datetime]::Parse($r.SignedAt, $invariant, $utc)
                ExpiresInSeconds    = $r.ExpiresInSeconds
                Region              = $r.Region
                VersionId           = $r.VersionId
                ContentType         = $r.ContentType
                # "Name: value", one per line: flat for Export-Csv, unambiguous even if a value has ';'.
                Headers             = if ($r.Headers -and $r.Headers.Count) {
                    @(foreach ($header in $r.Headers.GetEnumerator()) { $header.Key + ': ' + $header.Value }) -join "`n"
                } else { '' }
            })
    }

    # Each distinct warning once per pipeline: a run-wide warning would otherwise repeat for every URL.
    hidden [void] Warn([string]$message) {
        if ($this.Warned.Add($message)) { $this.Cmdlet.WriteWarning($message) }
    }

    # Closes stdin, emits the remaining results, and checks how the child ended.
    [void] Finish() {
        try { $this.Stdin.Close() } catch { $this.Cmdlet.WriteDebug("closing stdin: $_") }
        $this.Receive('All', 0)
        if (-not $this.Process.WaitForExit(10000)) { $this.Fail('did not exit after answering every request') }
        foreach ($line in $this.Stderr() -split '\r?\n') {
            if ($line.StartsWith('s3presign: warning: ')) { $this.Warn($line.Substring(20)) }
            elseif ($line) { $this.Cmdlet.WriteVerbose($line) }
        }
        # 0: all signed; 1: some items failed, each already reported. Anything else was not explained
        # by a result (a fatal record would already have stopped the pipeline).
        if ($this.Process.ExitCode -notin 0, 1) { $this.Fail('failed') }
    }

    hidden [string] Stderr() {
        if ($this.StderrTask.Wait(5000)) { return $this.StderrTask.Result.Trim() }
        return ''
    }

    # The child ended without answering everything, or with an exit code no result explains.
    hidden [void] Fail([string]$what) {
        if (-not $this.Process.WaitForExit(5000)) { $this.Process.Kill($true); $this.Process.WaitForExit() }
        $stderr = $this.Stderr()
        if (-not $stderr) { $stderr = '(nothing on standard error)' }
        $this.Cmdlet.ThrowTerminatingError([S3PreSignBatch]::NewError('ProcessFailed',
            "s3presign $what (exit code $($this.Process.ExitCode)): $stderr", $null))
    }

    hidden [void] ProtocolError([string]$what) {
        $this.Cmdlet.ThrowTerminatingError([S3PreSignBatch]::NewError('ProtocolError',
            "s3presign does not speak protocol 1 as this module expects: it wrote $what", $null))
    }

    # From `clean`: the child must not outlive the pipeline (Ctrl+C, -ErrorAction Stop, Select -First).
    [void] Dispose() {
        try { if (-not $this.Process.HasExited) { $this.Process.Kill($true) } }
        catch { $this.Cmdlet.WriteDebug("kill: $_") }
        $this.Process.Dispose()
    }
}

# Decides what an object piped to -Key by value means. PowerShell tries by-value binding first, and
# would otherwise convert any object to a string: an object without a Key property would be signed as the
# key "@{Bucket=...; Name=...}". Here text and numbers pass, and another object gives its Key property
# (as by-property-name binding would) or no key at all, which s3presign then reports as missing_key
# for that item, so that the failure lands in -ErrorVariable with the object as its TargetObject.
[NoRunspaceAffinity()]
class S3PreSignKeyTransformation : System.Management.Automation.ArgumentTransformationAttribute {
    [object] Transform([System.Management.Automation.EngineIntrinsics]$engineIntrinsics, [object]$inputData) {
        $value = if ($inputData -is [psobject]) { $inputData.PSObject.BaseObject } else { $inputData }
        if ($null -eq $value -or $value -is [string] -or $value -is [ValueType] -or $value -is [array]) { return $inputData }
        $property = $inputData.PSObject.Properties['Key']
        if ($property) { return $property.Value }
        return $null
    }
}

function Format-S3PreSignInstant {
    # RFC 3339 UTC to the second; Local and Unspecified times are taken as local time.
    param([datetime]$Value)
    if ($Value.Kind -ne [System.DateTimeKind]::Utc) { $Value = $Value.ToUniversalTime() }
    $Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [System.Globalization.CultureInfo]::InvariantCulture)
}

function Resolve-S3PreSignBinary {
    # $env:S3PRESIGN_BIN, then the copy shipped in module/bin/<os>-<arch>/, then PATH.
    param([System.Management.Automation.PSCmdlet]$Cmdlet)
    if ($env:S3PRESIGN_BIN) {
        $path = $Cmdlet.GetUnresolvedProviderPathFromPSPath($env:S3PRESIGN_BIN)
        if (Test-Path -LiteralPath $path -PathType Leaf) { return $path }
        $Cmdlet.ThrowTerminatingError([S3PreSignBatch]::NewError('BinaryNotFound', (
            "`$env:S3PRESIGN_BIN is set to '$($env:S3PRESIGN_BIN)', but there is no file there. " +
            'Point it at a built s3presign program (cargo build --release; target/release/s3presign) or remove it ' +
            'to use the copy in the module or on PATH.'), $env:S3PRESIGN_BIN))
    }
    $os = if ($IsWindows) { 'windows' } elseif ($IsMacOS) { 'macos' } else { 'linux' }
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
    $exe = if ($IsWindows) { 's3presign.exe' } else { 's3presign' }
    $bundled = Join-Path $PSScriptRoot 'bin' "$os-$arch" $exe
    if (Test-Path -LiteralPath $bundled -PathType Leaf) { return $bundled }
    $command = Get-Command -Name s3presign -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($command) { return $command.Source }
    $Cmdlet.ThrowTerminatingError([S3PreSignBatch]::NewError('BinaryNotFound', (
        "The s3presign program was not found. Build it from the s3presign sources with 'cargo build --release', " +
        "then either set `$env:S3PRESIGN_BIN to the built file (target/release/$exe), copy it to '$bundled', " +
        'or install it on PATH (cargo install --path .).'), $null))
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
    The bucket name. Binds from the BucketName or Bucket property of piped objects. An item without a
    bucket is reported as a missing_bucket error.

    .PARAMETER Key
    The object key(s), as stored (not URL-encoded). Piped strings are keys; binds from the Key property
    of piped objects. An item without a key is reported as a missing_key error.

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
        # Not Mandatory, on purpose: an item without a bucket or key (an empty CSV cell, a misnamed
        # column) becomes that item's missing_bucket/missing_key error, which -ErrorVariable collects;
        # PowerShell's own binding errors would bypass -ErrorVariable.
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('BucketName')]
        [string]$Bucket,

        # [string[]] rather than [string]: -Key a,b must not become the single key "a b".
        [Parameter(Position = 1, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [S3PreSignKeyTransformation()]
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
            $PSCmdlet.ThrowTerminatingError([S3PreSignBatch]::NewError('conflicting_expiry',
                    'Give either -Expires (an instant) or -ExpiresIn (a lifetime), not both.', $null))
        }
        $binary = Resolve-S3PreSignBinary $PSCmdlet

        $arguments = [System.Collections.Generic.List[string]]::new()
        $arguments.AddRange([string[]]('batch', '--protocol', '1', '--verb', $Verb.ToUpperInvariant()))
        if ($PSBoundParameters.ContainsKey('Expires')) { $arguments.AddRange([string[]]('--expires', (Format-S3PreSignInstant $Expires))) }
        if ($PSBoundParameters.ContainsKey('ExpiresIn')) {
            $lifetime = if ($ExpiresIn -is [timespan]) {
                [string][long][Math]::Truncate(([timespan]$ExpiresIn).TotalSeconds)
            } elseif ($ExpiresIn -is [decimal] -and -not ([string]$ExpiresIn).EndsWith('d', 'OrdinalIgnoreCase')) {
                # 7d inside an expression (a splatting hashtable, a variable) is just the decimal 7.
                $PSCmdlet.ThrowTerminatingError([S3PreSignBatch]::NewError('invalid_expiry',
                        "-ExpiresIn got the decimal number $($ExpiresIn): in a PowerShell expression 7d means the decimal 7, not 7 days. Quote durations ('7d'), or give a TimeSpan or whole seconds.", $ExpiresIn))
            } elseif ($ExpiresIn -is [string] -or $ExpiresIn -is [ValueType]) {
                [string]$ExpiresIn   # keeps "7d" as typed (see the parameter)
            } else {
                $PSCmdlet.ThrowTerminatingError([S3PreSignBatch]::NewError('invalid_expiry',
                        "-ExpiresIn takes a TimeSpan, a number of seconds or a duration such as 12h or 7d, not a $($ExpiresIn.GetType().Name).", $ExpiresIn))
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
        $session = [S3PreSignBatch]::new($binary, $arguments, $environment, $PSCmdlet, $AsString.IsPresent)
        $expectingInput = $PSCmdlet.MyInvocation.ExpectingInput
    }

    process {
        # Errors point back at what was piped in (a Get-S3Object result, a CSV row, ...), or at the key.
        $inputObject = if ($expectingInput) { $_ } else { $null }
        # JsonEncodedText's default encoder escapes every non-ASCII character, so a line is ASCII and its
        # length is its size in bytes. A missing bucket or key is left to s3presign to report.
        $fields = ''
        if ($Bucket) { $fields += ',"bucket":"' + [System.Text.Json.JsonEncodedText]::Encode($Bucket).ToString() + '"' }
        if ($VersionId) { $fields += ',"version_id":"' + [System.Text.Json.JsonEncodedText]::Encode($VersionId).ToString() + '"' }
        $keys = if ($null -ne $Key -and $Key.Count) { $Key } else { , '' }
        foreach ($k in $keys) {
            $session.Send('{"key":"' + [System.Text.Json.JsonEncodedText]::Encode([string]$k).ToString() + '"' + $fields + '}',
                ($null -ne $inputObject ? $inputObject : $k))
        }
    }

    end {
        $session.Finish()
    }

    clean {
        if ($session) { $session.Dispose() }
    }
}

Export-ModuleMember -Function Get-S3PreSignedURL

# S3PreSign.Uploads: New-S3PreSignedPost (s3presign post) and ConvertFrom-S3PreSignedURL (s3presign inspect).
# Listed in the manifest's NestedModules, so it is dot-sourced into the module's scope before S3PreSign.psm1
# runs; its code uses the psm1's private Resolve-S3PreSignBinary, Add-S3PreSignSession,
# Format-S3PreSignInstant and $S3PreSignCategories at run time. Private names start with S3Up so that
# they cannot clash with the psm1's. No classes and no Add-Type: import time is a tracked goal.

Set-StrictMode -Version 3.0

function ConvertTo-S3UpDate {
    # An RFC 3339 string from s3presign as a UTC [datetime]; null stays null.
    param([string]$Text)
    if ($Text) { [System.DateTimeOffset]::Parse($Text, [System.Globalization.CultureInfo]::InvariantCulture).UtcDateTime }
}

function New-S3UpError {
    param([string]$Id, [string]$Message, [object]$Target, [string]$Category = 'InvalidArgument')
    $exception = if ($Category -eq 'InvalidArgument') { [System.ArgumentException]::new($Message) }
    else { [System.InvalidOperationException]::new($Message) }
    [System.Management.Automation.ErrorRecord]::new($exception, $Id, $Category, $Target)
}

function Start-S3UpProcess {
    # Starts s3presign with all three streams redirected (UTF-8) and the session flags added.
    param([System.Management.Automation.PSCmdlet]$Cmdlet, [System.Collections.Generic.List[string]]$Arguments,
        [System.Collections.IDictionary]$Bound)
    $binary = Resolve-S3PreSignBinary $Cmdlet
    $psi = [System.Diagnostics.ProcessStartInfo]::new($binary)
    Add-S3PreSignSession $Arguments $psi $Bound $Cmdlet
    foreach ($argument in $Arguments) { $psi.ArgumentList.Add($argument) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $utf8 = [System.Text.UTF8Encoding]::new($false)
    $psi.StandardInputEncoding = $utf8
    $psi.StandardOutputEncoding = $utf8
    $psi.StandardErrorEncoding = $utf8
    $Cmdlet.WriteVerbose("Starting $binary $($Arguments -join ' ')")   # no secrets: those are in the environment
    $proc = [System.Diagnostics.Process]::new()
    $proc.StartInfo = $psi
    try { [void]$proc.Start() }
    catch {
        $Cmdlet.ThrowTerminatingError((New-S3UpError 'BinaryNotStarted' "Could not start '$binary': $($_.Exception.GetBaseException().Message)" $binary 'InvalidOperation'))
    }
    $proc
}

function Get-S3UpFailure {
    # s3presign's standard error as one ErrorRecord, or $null when it reports no error. Warnings go to
    # the warning stream. The ErrorId comes from the message (the program prints no code for a failed
    # single command); secrets given as parameters are masked, should a message ever hold one.
    param([System.Management.Automation.PSCmdlet]$Cmdlet, [string]$Stderr, [int]$ExitCode, [System.Collections.IDictionary]$Bound,
        [object]$Target, [string]$Stdout)
    foreach ($secret in $Bound['SecretKey'], $Bound['SessionToken'], $Bound['ServerSideEncryptionCustomerProvidedKey']) { if ($secret -and $secret.Length -ge 8) { $Stderr = $Stderr.Replace($secret, '***') } }
    $messages = [System.Collections.Generic.List[string]]::new()
    $continues = $false
    foreach ($line in $Stderr -split '\r?\n') {
        if ($line.StartsWith('s3presign: warning: ')) { $Cmdlet.WriteWarning($line.Substring(20)); $continues = $false }
        elseif ($line.StartsWith('s3presign: error: ')) { $messages.Add($line.Substring(18)); $continues = $true }
        elseif ($line.StartsWith('error: ')) { $messages.Add($line.Substring(7)); $continues = $false }   # a usage error
        elseif ($continues -and $line -match '^\s') { $messages[$messages.Count - 1] += "`n" + $line }   # e.g. the credential chain
        else { $continues = $false }
    }
    if (-not $messages.Count) { return $null }
    $message = $messages -join "`n"
    # With JSON output the program reports the failure as a record with its stable code: use it.
    $code = $null
    if ($Stdout) {
        try {
            $record = [System.Text.Json.JsonDocument]::Parse(($Stdout -split '\r?\n')[0]).RootElement
            $value = [System.Text.Json.JsonElement]::new()
            if ($record.TryGetProperty('code', [ref]$value)) { $code = $value.GetString() }
        } catch { $code = $null }
    }
    # ('usage' is generic: the message says more, e.g. which --condition is wrong.)
    if ($code -and $code -ne 'usage') {
        # The psm1's table of protocol codes; a code it does not list is taken as the caller's input.
        $category = $S3PreSignCategories[$code]
        if (-not $category) { $category = 'InvalidArgument' }
        return New-S3UpError $code $message $Target $category
    }
    $id, $category = switch -Regex ($message) {
        '--condition' { 'InvalidPolicy', 'InvalidArgument'; break }
        "profile '.*' was not found" { 'unknown_profile', 'ObjectNotFound'; break }
        'could not load AWS credentials|no credentials' { 'no_credentials', 'AuthenticationError'; break }
        'no AWS region' { 'no_region', 'InvalidArgument'; break }
        '--strict-expiry' { 'credentials_expire_first', 'InvalidOperation'; break }
        'more than 7 days' { 'expiry_too_far', 'InvalidArgument'; break }
        'is not after the signing time' { 'expiry_in_past', 'InvalidArgument'; break }
        'not a valid bucket name' { 'invalid_bucket', 'InvalidArgument'; break }
        '--header' { 'invalid_header', 'InvalidArgument'; break }
        default { if ($ExitCode -eq 2) { 'usage', 'InvalidArgument' } else { 'signing', 'InvalidOperation' } }
    }
    New-S3UpError $id $message $Target $category
}

function Stop-S3UpProcess {
    # The child must not outlive the command (Ctrl+C, -ErrorAction Stop, Select-Object -First).
    param([System.Diagnostics.Process]$Process)
    if (-not $Process) { return }
    try { if (-not $Process.HasExited) { $Process.Kill($true) } } catch { Write-Debug "kill: $_" }
    try { $Process.Dispose() } catch { Write-Debug "dispose: $_" }
}


function New-S3PreSignedPost {
    <#
    .SYNOPSIS
    Signs an S3 POST policy: a form with which a browser or any HTTP client uploads one file, without credentials.

    .DESCRIPTION
    New-S3PreSignedPost runs `s3presign post` to sign a POST policy (what boto3's generate_presigned_post
    makes, which neither AWS.Tools.S3 nor the AWS CLI offer). Whoever has the form may upload one file,
    within the limits the policy sets: an exact key (-Key) or any key under a prefix (-KeyPrefix), a size
    range, a content type, an expiry at most 7 days away, and further conditions.

    The result is an S3PreSign.PresignedPost object: Url (where the form posts), Fields (an ordered
    dictionary of the form fields, in the order the form must send them; the file field comes after all
    of them), SignedAt and ExpiresAt (UTC), Policy (the decoded policy document), Curl and
    InvokeWebRequest (ready-to-run commands in which LOCAL_FILE stands for the file). -AsHtml returns an
    HTML page with the form instead.

    With temporary credentials the fields include x-amz-security-token, which the form needs: treat the
    form as a secret for as long as it is valid. Explicit -AccessKey/-SecretKey/-SessionToken reach the
    s3presign program through its environment only, never its command line.

    Invalid parameters, an invalid -Conditions entry (ErrorId InvalidPolicy) and setup failures (unknown
    profile, no credentials, no region) are terminating errors. An expiry that S3 would refuse (in the
    past, more than 7 days away) is a non-terminating error (ErrorId expiry_in_past, expiry_too_far).

    .PARAMETER Bucket
    The bucket the upload goes to.

    .PARAMETER Key
    The exact key the uploaded object gets.

    .PARAMETER KeyPrefix
    Allow any key that starts with this prefix; the form's key field is PREFIX${filename}, which S3 replaces
    with the name of the uploaded file (the client may also send another key under the prefix). An empty
    prefix allows any key in the bucket.

    .PARAMETER Expires
    When the policy expires. Local and unspecified times are converted to UTC. At most 7 days after signing.

    .PARAMETER ExpiresIn
    How long the policy lives: a TimeSpan, a number of seconds, or a duration such as 90s, 15m, 12h, 7d,
    1d12h. Without -Expires or -ExpiresIn the policy lives 1 hour.

    .PARAMETER ContentLengthRange
    The allowed size of the upload in bytes, as two numbers: minimum, maximum (e.g. 1, 10MB).

    .PARAMETER ContentType
    The exact Content-Type the upload must have (the form's Content-Type field).

    .PARAMETER ContentTypePrefix
    A prefix the upload's Content-Type must start with, such as image/. The form's Content-Type field holds
    the prefix itself; set it to the file's type before posting (S3 stores the object with that type).

    .PARAMETER Acl
    The canned ACL of the uploaded object, e.g. private or bucket-owner-full-control.

    .PARAMETER SuccessActionStatus
    The HTTP status S3 answers a successful upload with: 200, 201 (with an XML body) or 204 (S3's default).

    .PARAMETER SuccessActionRedirect
    A URL the browser is redirected to after a successful upload.

    .PARAMETER Metadata
    User metadata for the object, name = value; the form gets x-amz-meta-NAME fields (a name that already
    starts with x-amz-meta- keeps it). Use [ordered]@{} to choose the field order.

    .PARAMETER Fields
    Further form fields, name = value, each fixed exactly by the policy (e.g. Cache-Control, tagging).

    .PARAMETER Conditions
    Further policy conditions, each a hashtable ({"field": "value"}), an array ([operator, "$field", value],
    e.g. @('starts-with', '$x-amz-meta-tag', '')) or a JSON string. A single condition given as a flat array
    (-Conditions 'starts-with', '$key', 'in/') is taken as one condition.

    .PARAMETER ProfileName
    The AWS profile (from the AWS config and credentials files) to sign with.

    .PARAMETER ProfileLocation
    A credentials file to read profiles from instead of the default one.

    .PARAMETER AccessKey
    An access key ID to sign with instead of a profile. Passed to s3presign in its environment only.

    .PARAMETER SecretKey
    The secret access key for -AccessKey. It never appears on a command line or in any output.

    .PARAMETER SessionToken
    The session token of temporary credentials given with -AccessKey and -SecretKey. The form needs it, so
    it is one of the fields.

    .PARAMETER Region
    The region to sign for (e.g. eu-west-1). Otherwise taken from AWS_REGION or the profile.

    .PARAMETER EndpointUrl
    A custom S3 endpoint (e.g. http://127.0.0.1:9000 for a local S3-compatible server).

    .PARAMETER ForcePathStyle
    Put the bucket in the path (https://host/bucket/) instead of the host name.

    .PARAMETER UseAccelerateEndpoint
    Post to the S3 Transfer Acceleration endpoint.

    .PARAMETER UseDualstackEndpoint
    Post to the dual-stack (IPv4 and IPv6) endpoint.

    .PARAMETER Protocol
    HTTPS (default) or HTTP for the form's URL.

    .PARAMETER StartTime
    Sign as if at this instant instead of now: for reproducible forms and tests.

    .PARAMETER StrictExpiry
    Fail when the policy would outlive the signing (temporary) credentials, instead of only warning.

    .PARAMETER AsHtml
    Return an HTML page with the upload form (a string) instead of the object.

    .EXAMPLE
    $post = New-S3PreSignedPost -Bucket uploads -KeyPrefix in/ -ContentLengthRange 1, 10MB -ContentTypePrefix image/ -ExpiresIn 1h
    $post.Fields['Content-Type'] = 'image/jpeg'
    $post.Fields['file'] = Get-Item ./cat.jpg
    Invoke-WebRequest -Method Post -Uri $post.Url -Form $post.Fields

    Lets anyone with the form upload one image of at most 10 MiB under in/ for an hour, then uploads
    cat.jpg with it (S3 names it in/cat.jpg). The Content-Type field starts as the prefix image/ and is
    set to the file's type. Fields is an ordered dictionary, so the file field, added last, is sent last,
    as S3 requires.

    .EXAMPLE
    New-S3PreSignedPost -Bucket uploads -Key reports/q1.pdf -ContentType application/pdf -ExpiresIn 2d -AsHtml | Set-Content upload.html

    Writes a web page with an upload form for exactly one key; send it to whoever must upload the file.

    .EXAMPLE
    (New-S3PreSignedPost -Bucket uploads -Key in/data.csv -ProfileName prod -Region eu-west-1).Curl

    Prints a ready-to-run curl command; replace LOCAL_FILE with the file to upload.

    .EXAMPLE
    New-S3PreSignedPost -Bucket uploads -Key "in/$user/report.csv" -ContentType text/csv -Metadata @{ owner = $user } -Fields @{ 'Cache-Control' = 'no-cache' } -SuccessActionStatus 201

    Fixes the Content-Type, x-amz-meta-owner and Cache-Control fields in the policy, so the uploader
    cannot change them, and asks S3 to answer 201 with an XML description of the stored object.

    .EXAMPLE
    $post = New-S3PreSignedPost -Bucket uploads -Key in/notes.txt -Conditions 'starts-with', '$x-amz-meta-tag', 'team-'
    $post.Fields['x-amz-meta-tag'] = 'team-blue'

    A condition of your own: the upload must carry an x-amz-meta-tag field that starts with team-. The form
    has no such field yet, so it is added before the file. (A flat array is one condition; several are
    given as hashtables, arrays or JSON strings.)

    .EXAMPLE
    $post = New-S3PreSignedPost -Bucket uploads -Key in/a.txt -AccessKey $id -SecretKey $secret -Region eu-west-1 -Expires (Get-Date).AddDays(3)
    $post.Policy.conditions

    Signs with explicit keys (kept out of the command line) until a given local time, and shows the
    conditions of the decoded policy.

    .OUTPUTS
    S3PreSign.PresignedPost, or System.String with -AsHtml.

    .LINK
    https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
    #>
    [CmdletBinding(DefaultParameterSetName = 'Key', PositionalBinding = $false)]
    [OutputType('S3PreSign.PresignedPost', [string])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [Alias('BucketName')]
        [ValidateNotNullOrEmpty()]
        [string]$Bucket,

        [Parameter(Mandatory, Position = 1, ParameterSetName = 'Key')]
        [Parameter(Mandatory, Position = 1, ParameterSetName = 'KeyAccessKey')]
        [ValidateNotNullOrEmpty()]
        [string]$Key,

        [Parameter(Mandatory, ParameterSetName = 'KeyPrefix')]
        [Parameter(Mandatory, ParameterSetName = 'KeyPrefixAccessKey')]
        [AllowEmptyString()]
        [string]$KeyPrefix,

        [Alias('Expire')]
        [datetime]$Expires,

        # [object]: a TimeSpan, seconds or a duration string ('7d'); see Get-S3PreSignedURL.
        [object]$ExpiresIn,

        [ValidateCount(2, 2)]
        [ValidateRange('NonNegative')]
        [long[]]$ContentLengthRange,

        [ValidateNotNullOrEmpty()]
        [string]$ContentType,

        [ValidateNotNullOrEmpty()]
        [string]$ContentTypePrefix,

        [ValidateNotNullOrEmpty()]
        [string]$Acl,

        [ValidateSet(200, 201, 204)]
        [int]$SuccessActionStatus,

        [ValidateNotNullOrEmpty()]
        [string]$SuccessActionRedirect,

        [System.Collections.IDictionary]$Metadata,

        [System.Collections.IDictionary]$Fields,

        [object[]]$Conditions,

        [Parameter(ParameterSetName = 'Key')]
        [Parameter(ParameterSetName = 'KeyPrefix')]
        [Alias('Profile', 'StoredCredentials', 'AWSProfileName')]
        [ValidateNotNullOrEmpty()]
        [string]$ProfileName,

        [Parameter(ParameterSetName = 'Key')]
        [Parameter(ParameterSetName = 'KeyPrefix')]
        [ValidateNotNullOrEmpty()]
        [string]$ProfileLocation,

        [Parameter(Mandatory, ParameterSetName = 'KeyAccessKey')]
        [Parameter(Mandatory, ParameterSetName = 'KeyPrefixAccessKey')]
        [ValidateNotNullOrEmpty()]
        [string]$AccessKey,

        [Parameter(Mandatory, ParameterSetName = 'KeyAccessKey')]
        [Parameter(Mandatory, ParameterSetName = 'KeyPrefixAccessKey')]
        [ValidateNotNullOrEmpty()]
        [string]$SecretKey,

        [Parameter(ParameterSetName = 'KeyAccessKey')]
        [Parameter(ParameterSetName = 'KeyPrefixAccessKey')]
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

        [datetime]$StartTime,

        [switch]$StrictExpiry,

        [switch]$AsHtml
    )

    $arguments = [System.Collections.Generic.List[string]]::new()
    $arguments.AddRange([string[]]('post', "--bucket=$Bucket", '--output', $(if ($AsHtml) { 'html' } else { 'json' })))
    $keyText = if ($PSBoundParameters.ContainsKey('Key')) { $arguments.Add("--key=$Key"); $Key } else { $arguments.Add("--key-prefix=$KeyPrefix"); $KeyPrefix }

    if ($PSBoundParameters.ContainsKey('Expires') -and $PSBoundParameters.ContainsKey('ExpiresIn')) {
        $PSCmdlet.ThrowTerminatingError((New-S3UpError 'conflicting_expiry' 'Give either -Expires (an instant) or -ExpiresIn (a lifetime), not both.' $null))
    }
    if ($PSBoundParameters.ContainsKey('Expires')) { $arguments.Add('--expires=' + (Format-S3PreSignInstant $Expires)) }
    if ($PSBoundParameters.ContainsKey('ExpiresIn')) {
        $lifetime = if ($ExpiresIn -is [timespan]) {
            [string][long][Math]::Truncate(([timespan]$ExpiresIn).TotalSeconds)
        } elseif ($ExpiresIn -is [decimal] -and -not ([string]$ExpiresIn).EndsWith('d', 'OrdinalIgnoreCase')) {
            # `-ExpiresIn 7d` typed as an argument keeps its text; inside an expression 7d is the decimal 7.
            $PSCmdlet.ThrowTerminatingError((New-S3UpError 'invalid_expiry' "-ExpiresIn got the decimal number $($ExpiresIn): in a PowerShell expression 7d means the decimal 7, not 7 days. Quote durations ('7d'), or give a TimeSpan or whole seconds." $ExpiresIn))
        } elseif ($ExpiresIn -is [string] -or $ExpiresIn -is [ValueType]) {
            [string]$ExpiresIn
        } else {
            $PSCmdlet.ThrowTerminatingError((New-S3UpError 'invalid_expiry' "-ExpiresIn takes a TimeSpan, a number of seconds or a duration such as 12h or 7d, not a $($ExpiresIn.GetType().Name)." $ExpiresIn))
        }
        $arguments.Add("--expires-in=$lifetime")
    }
    if ($ContentLengthRange) {
        if ($ContentLengthRange[0] -gt $ContentLengthRange[1]) {
            $PSCmdlet.ThrowTerminatingError((New-S3UpError 'InvalidContentLengthRange' "-ContentLengthRange is minimum, maximum: $($ContentLengthRange[0]) is above $($ContentLengthRange[1])." $ContentLengthRange))
        }
        $arguments.Add("--content-length-range=$($ContentLengthRange[0]),$($ContentLengthRange[1])")
    }
    if ($ContentType -and $ContentTypePrefix) {
        $PSCmdlet.ThrowTerminatingError((New-S3UpError 'ConflictingContentType' 'Give either -ContentType (exact) or -ContentTypePrefix, not both.' $null))
    }
    if ($ContentType) { $arguments.Add("--content-type=$ContentType") }
    if ($ContentTypePrefix) { $arguments.Add("--content-type-prefix=$ContentTypePrefix") }
    if ($Acl) { $arguments.Add("--acl=$Acl") }
    if ($SuccessActionStatus) { $arguments.Add("--success-action-status=$SuccessActionStatus") }
    if ($SuccessActionRedirect) { $arguments.Add("--success-action-redirect=$SuccessActionRedirect") }

    # A [hashtable] has no order of its own: sorted, so the same call always makes the same form.
    foreach ($pair in @(if ($Metadata -is [hashtable]) { $Metadata.GetEnumerator() | Sort-Object Key } elseif ($Metadata) { $Metadata.GetEnumerator() })) {
        $name = [string]$pair.Key
        if ($name.StartsWith('x-amz-meta-', 'OrdinalIgnoreCase')) { $name = $name.Substring(11) }
        if ($name -notmatch '^[A-Za-z0-9_-]+$') {   # what s3presign url allows (post does not check)
            $PSCmdlet.ThrowTerminatingError((New-S3UpError 'InvalidMetadata' "-Metadata name '$($pair.Key)' is not a valid header name (letters, digits, - and _)." $pair.Key))
        }
        $arguments.Add("--metadata=$name=$($pair.Value)")
    }
    foreach ($pair in @(if ($Fields -is [hashtable]) { $Fields.GetEnumerator() | Sort-Object Key } elseif ($Fields) { $Fields.GetEnumerator() })) {
        $name = [string]$pair.Key
        if (-not $name -or $name.Contains('=')) {
            $PSCmdlet.ThrowTerminatingError((New-S3UpError 'InvalidField' "-Fields name '$name' must be non-empty and without '='." $pair.Key))
        }
        $arguments.Add("--field=$name=$($pair.Value)")
    }
    if ($Conditions) {
        # A condition as JSON starts with [ or {; a flat array such as 'starts-with', '$key', 'x' (which
        # PowerShell passes as three entries) is one condition.
        $list = $Conditions
        if ($Conditions[0] -is [string] -and $Conditions[0].TrimStart() -notmatch '^[\[{]') { $list = , $Conditions }
        foreach ($condition in $list) {
            $json = if ($condition -is [string]) { $condition } else { ConvertTo-Json -InputObject $condition -Compress -Depth 5 }
            $arguments.Add("--condition=$json")
        }
    }

    $proc = $null
    try {
        $proc = Start-S3UpProcess $PSCmdlet $arguments $PSBoundParameters
        $proc.StandardInput.Close()   # it reads nothing, and must not wait on ours
        $stderrTask = $proc.StandardError.ReadToEndAsync()
        $stdoutTask = $proc.StandardOutput.ReadToEndAsync()
        while (-not $proc.WaitForExit(200)) { }   # short waits let Ctrl+C stop the command
        $proc.WaitForExit()
        $stdout = $stdoutTask.GetAwaiter().GetResult()
        $failure = Get-S3UpFailure $PSCmdlet $stderrTask.GetAwaiter().GetResult() $proc.ExitCode $PSBoundParameters $(if ($proc.ExitCode -eq 1) { $keyText }) $(if (-not $AsHtml) { $stdout })
        if ($proc.ExitCode -eq 1 -and $failure) {
            # The request itself is wrong (expiry out of range, ...): like a bad item of Get-S3PreSignedURL.
            $PSCmdlet.WriteError($failure)
            return
        }
        if ($proc.ExitCode -ne 0) {
            if (-not $failure) { $failure = New-S3UpError 'ProcessFailed' "s3presign post failed (exit code $($proc.ExitCode)) without a message." $null 'InvalidOperation' }
            $PSCmdlet.ThrowTerminatingError($failure)
        }
        if ($AsHtml) { return $stdout }

        try { $document = [System.Text.Json.JsonDocument]::Parse($stdout) }
        catch { $PSCmdlet.ThrowTerminatingError((New-S3UpError 'ProtocolError' "s3presign post wrote no JSON result: $($_.Exception.GetBaseException().Message)" $null 'InvalidOperation')) }
        try {
            $root = $document.RootElement
            $form = [ordered]@{}
            foreach ($field in $root.GetProperty('fields').EnumerateObject()) { $form[$field.Name] = $field.Value.GetString() }
            $optional = @{}
            foreach ($name in 'curl', 'invoke_web_request') {
                $value = [System.Text.Json.JsonElement]::new()
                $optional[$name] = if ($root.TryGetProperty($name, [ref]$value) -and $value.ValueKind -eq 'String') { $value.GetString() }
            }
            [pscustomobject]@{
                PSTypeName       = 'S3PreSign.PresignedPost'
                Bucket           = $Bucket
                Key              = $form['key']
                Url              = $root.GetProperty('url').GetString()
                Fields           = $form
                SignedAt         = ConvertTo-S3UpDate $root.GetProperty('signed_at').GetString()
                ExpiresAt        = ConvertTo-S3UpDate $root.GetProperty('expires_at').GetString()
                Policy           = ConvertFrom-Json -InputObject $root.GetProperty('policy').GetRawText()
                Curl             = $optional['curl']
                InvokeWebRequest = $optional['invoke_web_request']
            }
        } finally {
            $document.Dispose()
        }
    } finally {
        Stop-S3UpProcess $proc
    }
}

function ConvertFrom-S3PreSignedURL {
    <#
    .SYNOPSIS
    Reads pre-signed S3 URLs back: bucket, key, access key, expiry, time left; with -Verify, checks their signatures.

    .DESCRIPTION
    ConvertFrom-S3PreSignedURL audits links that have been shared. It runs `s3presign inspect` once for the
    whole pipeline (never once per URL) and emits one S3PreSign.UrlInspection object per URL:
    SignatureVersion (v4 or v2), Endpoint, Bucket, Key (decoded), Region, AccessKeyId, SignedAt and
    ExpiresAt (UTC), ExpiresInSeconds, TimeLeft, Expired, SignedHeaders, VersionId, UploadId, PartNumber,
    Overrides (the response-... parameters, decoded), HasSessionToken, SignatureValid, VerifyNote and Url.

    The URLs are never requested: all of this is read from their text (TimeLeft and Expired as of the run).
    A session token in a URL is never shown: HasSessionToken says whether there is one, and in the Url
    property (and in error messages) its value is replaced by REDACTED.

    With -Verify the signatures are checked offline with your credentials (a profile, or -AccessKey and
    -SecretKey; only getting SSO or role credentials may contact AWS): SignatureValid is then $true or $false, or $null with the reason in VerifyNote (a URL
    signed with another access key, a signed header whose value -Header does not give, a SigV2 URL).

    URLs come from -Url, from piped strings (a string with several lines gives one URL per line) or from
    the Url or PresignedUrl property of piped objects: the output of Get-S3PreSignedURL, rows of
    Import-Csv. Text that is not a pre-signed URL gives a non-terminating error with ErrorId invalid_url
    and the text as TargetObject; the other URLs are still read.

    .PARAMETER Url
    The pre-signed URL(s). Binds from the pipeline by value and from the Url or PresignedUrl property.

    .PARAMETER Verify
    Check each signature with the credentials of -ProfileName, -AccessKey/-SecretKey or the environment.

    .PARAMETER Verb
    With -Verify: the HTTP method the URL is expected to be for (GET by default). A URL signed for PUT is
    invalid as a GET.

    .PARAMETER Header
    With -Verify: the values of signed headers other than host, name = value (e.g. @{ 'Content-Type' =
    'image/jpeg' } for an upload URL signed with a Content-Type).

    .PARAMETER ServerSideEncryptionCustomerProvidedKey
    With -Verify: the SSE-C key (base64 of 256 bits) for URLs that sign SSE-C headers, as
    Get-S3PreSignedURL -ServerSideEncryptionCustomerProvidedKey made them. It reaches s3presign through its
    environment only.

    .PARAMETER ProfileName
    The AWS profile whose credentials -Verify checks with.

    .PARAMETER ProfileLocation
    A credentials file to read profiles from instead of the default one.

    .PARAMETER AccessKey
    An access key ID to check with instead of a profile. Passed to s3presign in its environment only.

    .PARAMETER SecretKey
    The secret access key for -AccessKey. It never appears on a command line or in any output.

    .PARAMETER SessionToken
    The session token of temporary credentials given with -AccessKey and -SecretKey. Never shown.

    .PARAMETER Region
    A region for getting the credentials, where a profile needs one. A URL is checked for the region it names.

    .EXAMPLE
    Get-S3PreSignedURL -Bucket reports -Key 'q1/summary.pdf' -ExpiresIn 7d | ConvertFrom-S3PreSignedURL

    Reads back what a freshly signed URL grants: bucket, key, region, access key, expiry and time left.

    .EXAMPLE
    Import-Csv links.csv | ConvertFrom-S3PreSignedURL | Where-Object { -not $_.Expired } | Sort-Object ExpiresAt | Format-Table Bucket, Key, AccessKeyId, ExpiresAt, TimeLeft

    Lists the shared links (a Url column) that still work, the soonest to expire first, with one
    s3presign process for the whole file.

    .EXAMPLE
    Get-Content links.txt | ConvertFrom-S3PreSignedURL -Verify -ProfileName prod -ErrorVariable bad -ErrorAction SilentlyContinue | Where-Object SignatureValid -EQ $false

    Shows the links whose signature the prod credentials did not make (altered, or signed with another
    secret); lines that are not pre-signed URLs are collected in $bad.

    .EXAMPLE
    ConvertFrom-S3PreSignedURL -Url $uploadUrl -Verify -Verb PUT -Header @{ 'Content-Type' = 'image/jpeg' }

    Checks an upload URL whose signature covers a Content-Type header.

    .EXAMPLE
    $links | ConvertFrom-S3PreSignedURL | Where-Object HasSessionToken | Select-Object Key, ExpiresAt, Url

    Finds links signed with temporary credentials (they stop working when those expire); the tokens
    themselves are not shown.

    .OUTPUTS
    S3PreSign.UrlInspection
    #>
    [CmdletBinding(DefaultParameterSetName = 'Profile', PositionalBinding = $false)]
    [OutputType('S3PreSign.UrlInspection')]
    param(
        [Parameter(Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('PresignedUrl')]
        [AllowEmptyString()]
        [AllowNull()]
        [string[]]$Url,

        [switch]$Verify,

        [ValidateSet('GET', 'PUT', 'HEAD', 'DELETE', 'POST')]
        [string]$Verb,

        [System.Collections.IDictionary]$Header,

        [string]$ServerSideEncryptionCustomerProvidedKey,

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
        [string]$Region
    )

    begin {
        $proc = $null
        $texts = [System.Collections.Generic.List[string]]::new()
    }

    process {
        foreach ($text in $Url) { if ($null -ne $text) { $texts.Add($text) } }
    }

    end {
        # One URL per line of each text; a text with nothing but blanks (an empty CSV cell) goes as is, for
        # s3presign to report. $shown: each line with its session token's value hidden.
        $lines = [System.Collections.Generic.List[string]]::new()
        $shown = [System.Collections.Generic.List[string]]::new()
        $tokenPattern = [regex]::new('(?i)([?&]x-amz-security-token=)[^&#]*')
        foreach ($text in $texts) {
            $parts = @($text.Split([char]10).ForEach({ $_.TrimEnd([char]13) }).Where({ $_.Trim() }))
            if (-not $parts) { $parts = @($text.Trim()) }
            foreach ($part in $parts) {
                $lines.Add($part)
                $shown.Add($tokenPattern.Replace($part, '$1REDACTED'))
            }
        }
        if (-not $lines.Count) { return }
        $arguments = [System.Collections.Generic.List[string]]::new()
        $arguments.AddRange([string[]]('inspect', '--output', 'json'))
        if ($Verify) { $arguments.Add('--verify') }
        if ($Verb) { $arguments.Add("--verb=$Verb") }
        if ($Header) { foreach ($pair in $Header.GetEnumerator()) { $arguments.Add("--header=$($pair.Key): $($pair.Value)") } }

        $proc = Start-S3UpProcess $PSCmdlet $arguments $PSBoundParameters
        $stderrTask = $proc.StandardError.ReadToEndAsync()
        # Written in the background while results are read: s3presign answers as it reads, and a pipe it
        # cannot write to would stop it reading ours.
        $bytes = [System.Text.UTF8Encoding]::new($false).GetBytes([string]::Join("`n", $lines) + "`n")
        $writeTask = $proc.StandardInput.BaseStream.WriteAsync($bytes, 0, $bytes.Length)
        $inputOpen = $true
        $reader = $proc.StandardOutput
        $readTask = $reader.ReadLineAsync()
        $answered = 0
        $kindString, $kindNumber, $kindTrue, $kindFalse, $kindNull = [System.Text.Json.JsonValueKind[]]('String', 'Number', 'True', 'False', 'Null')
        $invariant = [System.Globalization.CultureInfo]::InvariantCulture
        $partNumber = 0
        while ($true) {
            if ($inputOpen) {
                if ($writeTask.IsCompleted) {
                    $inputOpen = $false
                    try { $writeTask.Wait(); $proc.StandardInput.Close() }
                    catch { Write-Debug "stdin: $_" }   # the child is gone: its exit code and stderr say why
                } elseif (-not $readTask.IsCompleted) {
                    # Until a result line arrives or all is written; short waits let Ctrl+C stop the pipeline.
                    $null = [System.Threading.Tasks.Task]::WaitAny([System.Threading.Tasks.Task[]]@($writeTask, $readTask), 200)
                    continue
                }
            }
            while (-not $readTask.Wait(200)) { }
            $json = $readTask.Result
            if ($null -eq $json) { break }
            $readTask = $reader.ReadLineAsync()
            if (-not $json.Trim()) { continue }

            try { $document = [System.Text.Json.JsonDocument]::Parse($json) }
            catch { $PSCmdlet.ThrowTerminatingError((New-S3UpError 'ProtocolError' "s3presign inspect wrote a line that is not JSON: $($_.Exception.GetBaseException().Message)" $null 'InvalidOperation')) }
            try {
                # Every member in one pass (much cheaper than a look-up per field): strings, numbers and
                # booleans as such, null as $null, objects and arrays as JsonElements.
                $v = @{}
                foreach ($member in $document.RootElement.EnumerateObject()) {
                    $e = $member.Value
                    $kind = $e.ValueKind
                    $v[$member.Name] = if ($kind -eq $kindString) { $e.GetString() } elseif ($kind -eq $kindNumber) { $e.GetInt64() }
                    elseif ($kind -eq $kindTrue) { $true } elseif ($kind -eq $kindFalse) { $false } elseif ($kind -ne $kindNull) { $e }
                }
                $type = $v['type']
                $index = if ($v['line'] -is [long]) { $v['line'] - 1 } else { -1 }
                $target = if ($index -ge 0 -and $index -lt $shown.Count) { $shown[$index] } else { $null }
                if ($type -eq 'inspection') {
                    $answered++
                    $overrides = [ordered]@{}
                    if ($v['overrides'] -is [System.Text.Json.JsonElement]) {
                        foreach ($pair in $v['overrides'].EnumerateObject()) { $overrides[$pair.Name] = $pair.Value.GetString() }
                    }
                    $PSCmdlet.WriteObject([pscustomobject]@{
                            PSTypeName       = 'S3PreSign.UrlInspection'
                            SignatureVersion = $v['signature_version']
                            Endpoint         = $v['endpoint']
                            Bucket           = $v['bucket']
                            Key              = $v['key']
                            Region           = $v['region']
                            AccessKeyId      = $v['access_key_id']
                            SignedAt         = if ($v['signed_at']) { [System.DateTimeOffset]::Parse($v['signed_at'], $invariant).UtcDateTime }
                            ExpiresAt        = if ($v['expires_at']) { [System.DateTimeOffset]::Parse($v['expires_at'], $invariant).UtcDateTime }
                            ExpiresInSeconds = $v['expires_in_seconds']
                            TimeLeft         = [timespan]::FromSeconds($(if ($v['seconds_left'] -gt 0) { $v['seconds_left'] } else { 0 }))
                            Expired          = $v['expired'] -eq $true
                            SignedHeaders    = [string[]]@(if ($v['signed_headers'] -is [System.Text.Json.JsonElement]) { foreach ($h in $v['signed_headers'].EnumerateArray()) { $h.GetString() } })
                            VersionId        = $v['version_id']
                            UploadId         = $v['upload_id']
                            PartNumber       = if ([int]::TryParse([string]$v['part_number'], [ref]$partNumber)) { $partNumber } else { $v['part_number'] }   # as in the URL when not a number
                            Overrides        = $overrides
                            HasSessionToken  = $v['has_session_token'] -eq $true
                            SignatureValid   = $v['signature_valid']
                            VerifyNote       = $v['verify_note']
                            Url              = $target
                        })
                } elseif ($type -eq 'error') {
                    $answered++
                    $code = [string]$v['code']
                    # "line 3: not a pre-signed URL: ..." -> the URL itself (token hidden), which says more.
                    $message = [string]$v['message'] -replace '^line \d+: ', ''
                    $display = if ($null -ne $target -and $target.Length -gt 200) { $target.Substring(0, 200) + '...' } else { $target }
                    $message = if ($message.StartsWith('not ')) { "'$display' is $message" } else { "'$display': $message" }
                    $PSCmdlet.WriteError((New-S3UpError $code $message $target))
                } elseif ($type -eq 'fatal') {
                    $PSCmdlet.ThrowTerminatingError((New-S3UpError ([string]$v['code']) ([string]$v['message']) $null 'InvalidOperation'))
                }   # other types: a later protocol version; ignored, as the protocol asks
            } finally {
                $document.Dispose()
            }
        }

        while (-not $proc.WaitForExit(200)) { }
        $proc.WaitForExit()
        # Warnings are passed on; errors on standard error repeat the error records, except a fatal one (exit 2).
        $failure = Get-S3UpFailure $PSCmdlet $stderrTask.GetAwaiter().GetResult() $proc.ExitCode $PSBoundParameters
        if ($proc.ExitCode -notin 0, 1 -or $answered -lt $lines.Count) {
            if ($proc.ExitCode -ne 2) { $failure = $null }
            if (-not $failure) {
                $failure = New-S3UpError 'ProcessFailed' "s3presign inspect stopped after answering $answered of $($lines.Count) URL(s) (exit code $($proc.ExitCode))." $null 'InvalidOperation'
            }
            $PSCmdlet.ThrowTerminatingError($failure)
        }
    }

    clean {
        if ($proc) { Stop-S3UpProcess $proc }
    }
}

# S3PreSign.psm1 (dot-sourced after this file) lists its own export; a module's exports are those of all
# its Export-ModuleMember calls, filtered by the manifest's FunctionsToExport.
Export-ModuleMember -Function New-S3PreSignedPost, ConvertFrom-S3PreSignedURL

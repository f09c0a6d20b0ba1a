# New-S3PreSignedPost (s3presign post) and ConvertFrom-S3PreSignedURL (s3presign inspect), on the runner of
# S3PreSign.psm1. Listed in the manifest's NestedModules: dot-sourced into the module's scope, so the psm1's
# private functions are theirs at run time. Their results are objects (AWS.Tools has no counterpart to be
# compatible with), with instants as ISO 8601 UTC strings, as Get-S3PreSignedURL -Detailed has them.

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
    InvokeWebRequest (ready-to-run commands in which LOCAL_FILE stands for the file and, with
    -ContentTypePrefix, LOCAL_FILE_CONTENT_TYPE for its type, e.g. image/jpeg). -AsHtml returns an HTML page
    with the form instead.

    With temporary credentials the fields include x-amz-security-token, which the form needs: treat the
    form as a secret for as long as it is valid. Explicit -AccessKey/-SecretKey/-SessionToken reach the
    s3presign program through its environment only, never its command line.

    Invalid parameters, an invalid -Conditions entry (ErrorId InvalidPolicy) and setup failures (unknown
    profile, no credentials, no region) are terminating errors. An expiry that S3 would refuse (in the
    past, more than 7 days away) is a non-terminating error (ErrorId expiry_in_past, expiry_too_far), as
    are values Get-S3PreSignedURL refuses too (ErrorId invalid_header, e.g. an unknown -Acl) and a form no
    upload could satisfy (ErrorId invalid_policy: a field given twice, a condition the fields contradict).

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
    the prefix itself; set it to the file's type before posting (S3 stores the object with that type). The
    Curl and InvokeWebRequest commands send LOCAL_FILE_CONTENT_TYPE there: replace it with the file's type.

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
    (-Conditions 'starts-with', '$key', 'in/') is taken as one condition. A field a condition names is added
    to Fields if no other parameter sets it: with the value of an eq condition, or with the prefix of a
    starts-with condition followed by FILL_IN, to be completed before posting.

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
    gets that field, holding team-FILL_IN until it is set. (A flat array is one condition; several are
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
        [Parameter(Mandatory, Position = 0)][Alias('BucketName')][ValidateNotNullOrEmpty()][string]$Bucket,
        [Parameter(Mandatory, Position = 1, ParameterSetName = 'Key')][Parameter(Mandatory, Position = 1, ParameterSetName = 'KeyAccessKey')][ValidateNotNullOrEmpty()][string]$Key,
        [Parameter(Mandatory, ParameterSetName = 'KeyPrefix')][Parameter(Mandatory, ParameterSetName = 'KeyPrefixAccessKey')][AllowEmptyString()][string]$KeyPrefix,
        [Alias('Expire')][datetime]$Expires,
        # [object]: a TimeSpan, seconds or a duration string ('7d'); see Get-S3PreSignedURL.
        [object]$ExpiresIn, [ValidateCount(2, 2)][ValidateRange('NonNegative')][long[]]$ContentLengthRange,
        [ValidateNotNullOrEmpty()][string]$ContentType, [ValidateNotNullOrEmpty()][string]$ContentTypePrefix,
        [ValidateNotNullOrEmpty()][string]$Acl, [ValidateSet(200, 201, 204)][int]$SuccessActionStatus,
        [ValidateNotNullOrEmpty()][string]$SuccessActionRedirect, [System.Collections.IDictionary]$Metadata,
        [System.Collections.IDictionary]$Fields, [object[]]$Conditions,
        [Parameter(ParameterSetName = 'Key')][Parameter(ParameterSetName = 'KeyPrefix')][Alias('Profile', 'StoredCredentials', 'AWSProfileName')][ValidateNotNullOrEmpty()][string]$ProfileName,
        [Parameter(ParameterSetName = 'Key')][Parameter(ParameterSetName = 'KeyPrefix')][Alias('AWSProfilesLocation', 'ProfilesLocation')][ValidateNotNullOrEmpty()][string]$ProfileLocation,
        [Parameter(Mandatory, ParameterSetName = 'KeyAccessKey')][Parameter(Mandatory, ParameterSetName = 'KeyPrefixAccessKey')][Alias('AK')][ValidateNotNullOrEmpty()][string]$AccessKey,
        [Parameter(Mandatory, ParameterSetName = 'KeyAccessKey')][Parameter(Mandatory, ParameterSetName = 'KeyPrefixAccessKey')][Alias('SK', 'SecretAccessKey')][ValidateNotNullOrEmpty()][string]$SecretKey,
        [Parameter(ParameterSetName = 'KeyAccessKey')][Parameter(ParameterSetName = 'KeyPrefixAccessKey')][Alias('ST')][string]$SessionToken,
        [Alias('RegionToCall')][ValidateNotNullOrEmpty()][string]$Region,
        [ValidateNotNullOrEmpty()][string]$EndpointUrl, [Alias('ForcePathStyleAddressing')][switch]$ForcePathStyle,
        [switch]$UseAccelerateEndpoint, [switch]$UseDualstackEndpoint, [ValidateSet('HTTP', 'HTTPS')][string]$Protocol = 'HTTPS',
        [datetime]$StartTime, [switch]$StrictExpiry, [switch]$AsHtml
    )

    if ($PSBoundParameters.ContainsKey('Expires') -and $PSBoundParameters.ContainsKey('ExpiresIn')) {
        $PSCmdlet.ThrowTerminatingError((New-S3PreSignError 'conflicting_expiry' 'Give either -Expires (an instant) or -ExpiresIn (a lifetime), not both.' $null))
    }
    $bound = @{} + $PSBoundParameters
    # Dictionaries in a stable order (a hashtable has none), names checked as s3presign url checks them.
    foreach ($name in 'Metadata', 'Fields') {
        $pairs, $bound[$name] = $bound[$name], [ordered]@{}
        foreach ($pair in $(if ($pairs -is [hashtable]) { $pairs.GetEnumerator() | Sort-Object Key } elseif ($pairs) { $pairs.GetEnumerator() })) {
            # s3presign checks the names, but reads NAME=VALUE up to the first '=': a name cannot have one.
            $field = if ($name -eq 'Metadata') { ([string]$pair.Key) -replace '^(?i)x-amz-meta-', '' } else { [string]$pair.Key }
            if (-not $field -or $field.Contains('=')) { $PSCmdlet.ThrowTerminatingError((New-S3PreSignError "Invalid$($name.TrimEnd('s'))" "-$name name '$($pair.Key)' must be non-empty and without '='." $pair.Key)) }
            $bound[$name][$field] = $pair.Value
        }
    }
    [void]$bound.Remove('KeyPrefix')   # '' is a value here: any key in the bucket
    $arguments = [System.Collections.Generic.List[string]]@('post', "--bucket=$Bucket", '--output', $(if ($AsHtml) { 'html' } else { 'json' }), $(if ($PSBoundParameters.ContainsKey('Key')) { "--key=$Key" } else { "--key-prefix=$KeyPrefix" }))
    if ($Conditions) {
        # One condition (['starts-with', ...]) or several; text is JSON already.
        $list = $Conditions   # one condition (['starts-with', ...]) or several
        if ($Conditions[0] -is [string] -and $Conditions[0].TrimStart() -notmatch '^[\[{]') { $list = , $Conditions }
        foreach ($condition in $list) { $arguments.Add('--condition=' + $(if ($condition -is [string]) { $condition } else { ConvertTo-Json -InputObject $condition -Compress -Depth 5 })) }
    }
    # The result object; it runs within this command's Complete-S3PreSignRun call, so $Bucket is this command's.
    $run = Start-S3PreSignRun $PSCmdlet $arguments $bound {
        param($r)
        $form = [ordered]@{}
        foreach ($field in $r.fields.PSObject.Properties) { $form[$field.Name] = $field.Value }
        [pscustomobject]@{
            PSTypeName = 'S3PreSign.PresignedPost'; Bucket = $Bucket; Key = $form['key']; Url = $r.url; Fields = $form
            SignedAt = Format-S3PreSignInstant $r.signed_at; ExpiresAt = Format-S3PreSignInstant $r.expires_at; Policy = $r.policy
            Curl = $r.curl; InvokeWebRequest = $r.invoke_web_request
        }
    }
    try {
        # No requests: one answer, to the command line.
        $run.Numbered = $false
        if ($AsHtml) { $run.Raw = [System.Text.StringBuilder]::new() }
        else { $run.Targets.Enqueue($(if ($PSBoundParameters.ContainsKey('Key')) { $Key } else { $KeyPrefix })); $run.Numbers.Enqueue(1) }
        Complete-S3PreSignRun $run
        if ($AsHtml) { $run.Raw.ToString() }
    } finally { Stop-S3PreSignRun $run }
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
        [Parameter(Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)][Alias('PresignedUrl')][AllowEmptyString()][AllowNull()][string[]]$Url,
        [switch]$Verify, [ValidateSet('GET', 'PUT', 'HEAD', 'DELETE', 'POST')][string]$Verb,
        [System.Collections.IDictionary]$Header, [string]$ServerSideEncryptionCustomerProvidedKey,
        [Parameter(ParameterSetName = 'Profile')][Alias('Profile', 'StoredCredentials', 'AWSProfileName')][ValidateNotNullOrEmpty()][string]$ProfileName,
        [Parameter(ParameterSetName = 'Profile')][Alias('AWSProfilesLocation', 'ProfilesLocation')][ValidateNotNullOrEmpty()][string]$ProfileLocation,
        [Parameter(Mandatory, ParameterSetName = 'AccessKey')][Alias('AK')][ValidateNotNullOrEmpty()][string]$AccessKey,
        [Parameter(Mandatory, ParameterSetName = 'AccessKey')][Alias('SK', 'SecretAccessKey')][ValidateNotNullOrEmpty()][string]$SecretKey,
        [Parameter(ParameterSetName = 'AccessKey')][Alias('ST')][string]$SessionToken,
        [Alias('RegionToCall')][ValidateNotNullOrEmpty()][string]$Region
    )

    begin {
        $bound = @{} + $PSBoundParameters
        if ($Header) {
            # SSE-C headers are secrets (the key) or follow from it: they go the way of
            # -ServerSideEncryptionCustomerProvidedKey, through the child's environment; s3presign adds all three.
            $bound.Header = [ordered]@{}
            foreach ($pair in $Header.GetEnumerator()) {
                $name = ([string]$pair.Key).ToLowerInvariant()
                if ($name -eq 'x-amz-server-side-encryption-customer-key' -and -not $bound['ServerSideEncryptionCustomerProvidedKey']) { $bound.ServerSideEncryptionCustomerProvidedKey = $pair.Value }
                elseif ($name -eq 'x-amz-server-side-encryption-customer-key-md5') { $bound.ServerSideEncryptionCustomerProvidedKeyMD5 = $pair.Value }
                elseif (-not $name.StartsWith('x-amz-server-side-encryption-customer-')) { $bound.Header[$pair.Key] = $pair.Value }
            }
        }
        if (-not $bound['ServerSideEncryptionCustomerProvidedKey']) { [void]$bound.Remove('ServerSideEncryptionCustomerProvidedKeyMD5') }
        $convert = {
            param($r, $target, $number)
            [pscustomobject]@{
                PSTypeName = 'S3PreSign.UrlInspection'; SignatureVersion = $r.signature_version; Endpoint = $r.endpoint
                Bucket = $r.bucket; Key = $r.key; Region = $r.region; AccessKeyId = $r.access_key_id
                SignedAt = Format-S3PreSignInstant $r.signed_at; ExpiresAt = Format-S3PreSignInstant $r.expires_at
                ExpiresInSeconds = $r.expires_in_seconds; TimeLeft = [timespan]::FromSeconds([Math]::Max(0, [long]$r.seconds_left))
                Expired = $r.expired -eq $true; SignedHeaders = [string[]]@($r.signed_headers); VersionId = $r.version_id; UploadId = $r.upload_id
                PartNumber = if ([int]::TryParse([string]$r.part_number, [ref]$number)) { $number } else { $r.part_number }   # as in the URL when not a number
                Overrides = $(if ($r.overrides) { $o = [ordered]@{}; foreach ($p in $r.overrides.PSObject.Properties) { $o[$p.Name] = $p.Value }; $o } else { [ordered]@{} })
                HasSessionToken = $r.has_session_token -eq $true; SignatureValid = $r.signature_valid; VerifyNote = $r.verify_note; Url = $r.url
            }
        }
        $run, $index = $null, 0   # started with the first URL: an empty pipeline starts nothing
    }

    process {
        foreach ($text in $Url) {
            if ($null -eq $text) { continue }
            if (-not $run) { $run = Start-S3PreSignRun $PSCmdlet ('inspect', '--output', 'json') $bound $convert }
            $lines = @(@($text.Split([char]10).Trim()) -ne '')
            if (-not $lines) { $lines = , '' }   # an empty CSV cell is an item too: s3presign reports it
            foreach ($line in $lines) {
                $index++
                # Results and errors show the URL as s3presign gives it back: session tokens redacted in
                # whatever encoding they came, and a line that is not a URL never quoted.
                Send-S3PreSignRequest $run $line $null $index
            }
        }
    }

    end { if ($run) { Complete-S3PreSignRun $run } }

    clean { Stop-S3PreSignRun $run }
}

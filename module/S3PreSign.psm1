# S3PreSign: a thin PowerShell front for the s3presign program (docs/protocol.md). The program does the
# work; this file binds parameters, maps them to flags through one table, runs one s3presign process per
# pipeline (begin/process/end) and turns its result lines into output and error records. The three commands
# share the runner below: Start-S3PreSignRun, Receive-S3PreSignResult, Complete-S3PreSignRun, Stop-S3PreSignRun.

# Parameter -> s3presign flag, and how the value goes there. One row per parameter, for every command;
# a command passes the rows it has. Kinds:
#   text: --flag=value (so a value starting with '-' stays a value)   switch: the flag when set or $true
#   instant: RFC 3339 UTC to the second                                   lifetime: -ExpiresIn (below)
#   pairs: --flag=NAME=VALUE per dictionary entry                      path: a file path, resolved like -LiteralPath
#   http: the flag when the value is HTTP                               range: MIN,MAX
#   headers: --flag=NAME: VALUE per dictionary entry
# Secrets are not here: they reach the child only through its environment (Set-S3PreSignSecret).
$S3PreSignFlags = [ordered]@{
    Verb = '--verb', 'text'; Expires = '--expires', 'instant'; ExpiresIn = '--expires-in', 'lifetime'; ContentType = '--content-type', 'text'
    UploadId = '--upload-id', 'text'; ResponseContentDisposition = '--response-content-disposition', 'text'
    ResponseContentType = '--response-content-type', 'text'; ResponseCacheControl = '--response-cache-control', 'text'
    ResponseContentLanguage = '--response-content-language', 'text'; ResponseContentEncoding = '--response-content-encoding', 'text'
    ResponseExpires = '--response-expires', 'text'; ServerSideEncryption = '--sse', 'text'
    ServerSideEncryptionKeyManagementServiceKeyId = '--sse-kms-key-id', 'text'; StorageClass = '--storage-class', 'text'; Acl = '--acl', 'text'
    ContentMD5 = '--content-md5', 'text'; ChecksumSHA256 = '--checksum-sha256', 'text'; Metadata = '--metadata', 'pairs'
    RequesterPays = '--requester-pays', 'switch'; ProfileName = '--profile', 'text'; ProfileLocation = '--credentials-file', 'path'
    Region = '--region', 'text'; EndpointUrl = '--endpoint-url', 'text'; ForcePathStyle = '--path-style', 'switch'; AddressingStyle = '--addressing-style', 'text'
    UseAccelerateEndpoint = '--accelerate', 'switch'; UseDualstackEndpoint = '--dualstack', 'switch'; Protocol = '--http', 'http'
    StartTime = '--start-time', 'instant'; StrictExpiry = '--strict-expiry', 'switch'; KeyPrefix = '--key-prefix', 'text'
    ContentTypePrefix = '--content-type-prefix', 'text'; ContentLengthRange = '--content-length-range', 'range'
    SuccessActionStatus = '--success-action-status', 'text'; SuccessActionRedirect = '--success-action-redirect', 'text'; Fields = '--field', 'pairs'
    Verify = '--verify', 'switch'; Header = '--header', 'headers'
}

# Error codes -> categories: the protocol's (docs/protocol.md) and the module's own. Unlisted: InvalidArgument.
$S3PreSignCategories = @{ unknown_profile = 'ObjectNotFound'; no_credentials = 'AuthenticationError'; credentials_expire_first = 'InvalidOperation'; signing = 'InvalidOperation'
    invalid_json = 'InvalidData'; empty_line = 'InvalidData'; unknown_field = 'InvalidData'; invalid_field = 'InvalidData'; BinaryNotFound = 'ObjectNotFound'
    BinaryNotStarted = 'PermissionDenied'; ProcessFailed = 'InvalidOperation'; ProtocolError = 'InvalidData' }

function New-S3PreSignError {
    # ErrorId = the code, so that scripts can test FullyQualifiedErrorId -like 'expiry_in_past,*'.
    param([string]$Code, [string]$Message, [object]$Target)
    $category = if ($S3PreSignCategories[$Code]) { $S3PreSignCategories[$Code] } else { 'InvalidArgument' }
    $exception = if ($category -eq 'InvalidArgument') { [System.ArgumentException]::new($Message) } else { [System.InvalidOperationException]::new($Message) }
    [System.Management.Automation.ErrorRecord]::new($exception, $Code, $category, $Target)
}

function Resolve-S3PreSignBinary {
    # $env:S3PRESIGN_BIN, else the copy shipped in bin/<os>-<arch>/ (the release layout), else PATH. Without
    # $Cmdlet (tab completion): the path or nothing, never an error.
    param([System.Management.Automation.PSCmdlet]$Cmdlet)
    $exe = if ($IsWindows) { 's3presign.exe' } else { 's3presign' }
    $configured = [System.Environment]::GetEnvironmentVariable('S3PRESIGN_BIN')
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
    $bundled = [System.IO.Path]::Combine($PSScriptRoot, 'bin', "$os-$arch", $exe)
    $path = if ($configured) { if ($Cmdlet) { $Cmdlet.GetUnresolvedProviderPathFromPSPath($configured) } else { $configured } }
    elseif ([System.IO.File]::Exists($bundled)) { $bundled }
    else { (Get-Command -Name s3presign -CommandType Application -ErrorAction Ignore | Select-Object -First 1).Source }
    if ($path -and [System.IO.File]::Exists($path)) { return $path }
    if (-not $Cmdlet) { return }
    $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'BinaryNotFound' $(if ($configured) { "`$env:S3PRESIGN_BIN is set to '$configured', but there is no file there. Point it at a built s3presign program (cargo build --release; target/release/$exe) or remove it to use the copy in the module or on PATH." }
            else { "The s3presign program was not found. Build it with 'cargo build --release', then set `$env:S3PRESIGN_BIN to the built file (target/release/$exe), copy it to '$bundled', or install it on PATH (cargo install --path .)." }) $configured))
}

function Format-S3PreSignInstant {
    # RFC 3339 UTC to the second, whatever the culture; Local and Unspecified times are taken as local.
    param([object]$Value)
    if ($null -eq $Value -or $Value -eq '') { return $null }
    if ($Value -is [string]) { $Value = [System.DateTimeOffset]::Parse($Value, [cultureinfo]::InvariantCulture).UtcDateTime }
    ([datetime]$Value).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [cultureinfo]::InvariantCulture)
}

function Add-S3PreSignFlag {
    # Appends the flags of the bound parameters that the table names. AWS.Tools takes '' and $null as not given.
    param([System.Collections.Generic.List[string]]$Arguments, [System.Collections.IDictionary]$Bound, [System.Management.Automation.PSCmdlet]$Cmdlet)
    foreach ($name in $S3PreSignFlags.Keys) {
        $value = $Bound[$name]
        if ($null -eq $value -or $value -eq '') { continue }
        $flag, $kind = $S3PreSignFlags[$name]
        switch ($kind) {
            'text' { $Arguments.Add("$flag=$value") }
            'switch' { if ($value) { $Arguments.Add($flag) } }
            'http' { if ($value -eq 'HTTP') { $Arguments.Add($flag) } }
            'instant' { $Arguments.Add("$flag=$(Format-S3PreSignInstant $value)") }
            'path' { $Arguments.Add("$flag=$($Cmdlet.GetUnresolvedProviderPathFromPSPath($value))") }
            'range' { $Arguments.Add("$flag=$($value[0]),$($value[1])") }
            'pairs' { foreach ($pair in $value.GetEnumerator()) { $Arguments.Add("$flag=$($pair.Key)=$($pair.Value)") } }
            'headers' { foreach ($pair in $value.GetEnumerator()) { $Arguments.Add("$flag=$($pair.Key): $($pair.Value)") } }
            'lifetime' {
                # `-ExpiresIn 7d` arrives as the decimal 7 (PowerShell's d suffix); as a string it is "7d" again.
                $why = $null
                if ($value -is [timespan]) { $value = [long][Math]::Truncate($value.TotalSeconds) }
                elseif ($value -is [decimal] -and -not ([string]$value).EndsWith('d', 'OrdinalIgnoreCase')) { $why = "got the decimal number $($value): in a PowerShell expression 7d means the decimal 7, not 7 days. Quote durations ('7d'), or give a TimeSpan or whole seconds." }
                elseif ($value -isnot [string] -and $value -isnot [ValueType]) { $why = "takes a TimeSpan, a number of seconds or a duration such as 12h or 7d, not a $($value.GetType().Name)." }
                if ($why) { $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'invalid_expiry' "-ExpiresIn $why" $value)) }
                $Arguments.Add("$flag=" + [string]$value)   # [string]: the typed text of a number argument
            }
        }
    }
}

function Set-S3PreSignSecret {
    # Credentials, region and SSE-C key, in AWS.Tools' order: -AccessKey/-SecretKey/-SessionToken, then
    # -Credential, then -ProfileName, then $StoredAWSCredentials (Set-AWSCredential); -Region, then
    # $StoredAWSRegion (Set-DefaultAWSRegion); else s3presign's own chain (environment, profile files).
    # Secrets go into the child's environment only, and into $Run.Secrets, the one list messages are masked
    # with. (No script variable ever holds a secret: Set-PSDebug -Trace 2 would print it.)
    param([hashtable]$Run, [System.Collections.IDictionary]$Bound, [System.Management.Automation.PSCmdlet]$Cmdlet)
    $environment = $Run.StartInfo.Environment
    $stored = if (-not $Bound['ProfileName'] -and -not $Bound['AccessKey'] -and $null -eq $Bound['Credential']) { $Cmdlet.GetVariableValue('StoredAWSCredentials') }
    if ($stored -is [string] -and $stored) { $Run.Arguments.Add("--profile=$stored"); $Run.Debug.Add("credentials: profile '$stored' from `$StoredAWSCredentials") }
    elseif ($null -ne $stored -and $null -ne $stored.PSObject.Properties['Credentials']) { $stored = $stored.Credentials }
    $source = if ($Bound['AccessKey']) { 'parameters' } elseif ($null -ne $Bound['Credential']) { '-Credential' } elseif ($null -ne $stored -and $stored -isnot [string]) { '$StoredAWSCredentials' }
    if ($source) {
        $keys = $from = if ($source -eq '-Credential') { $Bound['Credential'] } elseif ($source -ne 'parameters') { $stored }
        if ($from) {
            if (-not ($from.PSObject.Methods['GetCredentials'])) {
                $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'no_credentials' "$source must be AWS credentials (an Amazon.Runtime.AWSCredentials object, or anything with a GetCredentials() method giving AccessKey, SecretKey and Token), not a $($from.GetType().Name)." $null))
            }
            $keys = $from.GetCredentials()
        }
        $environment['AWS_ACCESS_KEY_ID'] = if ($keys) { $keys.AccessKey } else { $Bound['AccessKey'] }
        $environment['AWS_SECRET_ACCESS_KEY'] = if ($keys) { $keys.SecretKey } else { $Bound['SecretKey'] }
        if ($environment['AWS_SECRET_ACCESS_KEY']) { $Run.Secrets.Add($environment['AWS_SECRET_ACCESS_KEY']) }
        # Explicit keys replace whatever the environment would have chosen: a profile, another key's token.
        foreach ($name in 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_PROFILE') { [void]$environment.Remove($name) }
        if (($keys -and $keys.Token) -or (-not $keys -and $Bound['SessionToken'])) {
            $environment['AWS_SESSION_TOKEN'] = if ($keys) { $keys.Token } else { $Bound['SessionToken'] }
            $Run.Secrets.Add($environment['AWS_SESSION_TOKEN'])
        }
        $Run.Debug.Add("credentials: access key $($environment['AWS_ACCESS_KEY_ID']) from $source")
    } elseif ($Bound['ProfileName']) { $Run.Debug.Add("credentials: profile '$($Bound['ProfileName'])' from -ProfileName") }
    elseif (-not $stored) { $Run.Debug.Add('credentials: s3presign''s chain (environment variables, AWS_PROFILE, the default profile)') }
    $region = if (-not $Bound['Region']) { $Cmdlet.GetVariableValue('StoredAWSRegion') }
    if ($region) { $Run.Arguments.Add("--region=$region") }
    $Run.Debug.Add($(if ($Bound['Region']) { "region: $($Bound['Region']) from -Region" } elseif ($region) { "region: $region from `$StoredAWSRegion" } else { 'region: s3presign''s chain (AWS_REGION, the profile)' }))
    if ($Bound['ServerSideEncryptionCustomerProvidedKey']) {
        # s3presign reads the key from this variable; its MD5, if given, is checked here, so that a key given
        # there by mistake never reaches a command line.
        $environment['S3PRESIGN_SSE_CUSTOMER_KEY'] = $Bound['ServerSideEncryptionCustomerProvidedKey']
        $Run.Secrets.Add($Bound['ServerSideEncryptionCustomerProvidedKey'])
        $Run.Arguments.AddRange([string[]]('--sse-customer-key', 'env:S3PRESIGN_SSE_CUSTOMER_KEY'))
        if ($Bound['ServerSideEncryptionCustomerProvidedKeyMD5']) {
            $Run.Secrets.Add($Bound['ServerSideEncryptionCustomerProvidedKeyMD5'])
            $bytes = try { [Convert]::FromBase64String($Bound['ServerSideEncryptionCustomerProvidedKey']) } catch { $null }
            if ($bytes -and [Convert]::ToBase64String([System.Security.Cryptography.MD5]::HashData($bytes)) -cne $Bound['ServerSideEncryptionCustomerProvidedKeyMD5']) {
                $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'usage' '-ServerSideEncryptionCustomerProvidedKeyMD5 is not the MD5 of -ServerSideEncryptionCustomerProvidedKey: give the base64 MD5 of the key (or leave it out: s3presign computes it).' $null))
            }
        }
    } elseif ($Bound['ServerSideEncryptionCustomerMethod'] -or $Bound['ServerSideEncryptionCustomerProvidedKeyMD5']) {
        $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'MissingCustomerKey' '-ServerSideEncryptionCustomerMethod and -ServerSideEncryptionCustomerProvidedKeyMD5 go with -ServerSideEncryptionCustomerProvidedKey, the base64 of the 256-bit key: give it too.' $null))
    }
}

function Protect-S3PreSignText {
    # Masks every secret of the run in text that came from the child: the one place masking happens.
    param([hashtable]$Run, [string]$Text)
    if ($Run.Secrets.Count -and $Text) {
        # One pattern of every secret, built and used in one expression: never held in a variable.
        $Text = [regex]::Replace($Text, [string]::Join('|', $Run.Secrets.ConvertAll([Converter[string, string]][regex]::Escape)), '***')
    }
    $Text
}

function Start-S3PreSignRun {
    # Starts s3presign for one pipeline. $Arguments is the subcommand and its own flags; the bound parameters
    # add theirs (the table), the credentials and the secrets. Returns the run's state: Stdin takes request
    # lines, Targets and Numbers hold what each unanswered request reports errors against (the object and
    # its input number), ReadTask is the pending read of the next result line.
    param([System.Management.Automation.PSCmdlet]$Cmdlet, [string[]]$Arguments, [System.Collections.IDictionary]$Bound, [scriptblock]$Convert)
    $binary = Resolve-S3PreSignBinary $Cmdlet
    $run = @{
        Cmdlet = $Cmdlet; Arguments = [System.Collections.Generic.List[string]]$Arguments; Secrets = [System.Collections.Generic.List[string]]::new()
        Debug = [System.Collections.Generic.List[string]]::new(); StartInfo = [System.Diagnostics.ProcessStartInfo]::new($binary)
        Targets = [System.Collections.Generic.Queue[object]]::new(); Numbers = [System.Collections.Generic.Queue[long]]::new()
        Answered = [long]0; Single = $false; Numbered = $true; Convert = $Convert; Warned = [System.Collections.Generic.HashSet[string]]::new()
        # Unanswered requests before the runner waits for answers: memory stays bounded when s3presign lags.
        Window = 4096
    }
    Add-S3PreSignFlag $run.Arguments $Bound $Cmdlet
    if ($Bound['Detailed']) { $run.Detailed, $run.JsonOptions = Get-S3PreSignDetailedType }
    Set-S3PreSignSecret $run $Bound $Cmdlet
    $psi = $run.StartInfo
    foreach ($argument in $run.Arguments) { $psi.ArgumentList.Add($argument) }
    $psi.UseShellExecute, $psi.RedirectStandardInput, $psi.RedirectStandardOutput, $psi.RedirectStandardError = $false, $true, $true, $true
    $psi.StandardInputEncoding = $psi.StandardOutputEncoding = $psi.StandardErrorEncoding = $utf8 = [System.Text.UTF8Encoding]::new($false)
    $commandLine = "$binary $($run.Arguments -join ' ')"
    # Only when verbose output is wanted: under -Debug alone, WriteVerbose would ask to continue.
    $run.Verbose = $Cmdlet.MyInvocation.BoundParameters['Verbose'] -or $Cmdlet.GetVariableValue('VerbosePreference') -ne 'SilentlyContinue'
    if ($run.Verbose) { $Cmdlet.WriteVerbose("Starting $commandLine") }
    foreach ($line in $run.Debug + "command line: $commandLine (secrets are in its environment only)") { $Cmdlet.WriteDebug($line) }
    $run.Process = [System.Diagnostics.Process]@{ StartInfo = $psi }
    try { [void]$run.Process.Start() }
    catch {
        $why = $_.Exception.GetBaseException().Message
        if (-not $IsWindows -and [System.IO.File]::Exists($binary) -and -not ([System.IO.File]::GetUnixFileMode($binary) -band [System.IO.UnixFileMode]::UserExecute)) {
            $why = "the file is not executable; make it so with: chmod +x '$binary'"
        }
        $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'BinaryNotStarted' "Could not start s3presign ('$binary'): $why" $binary))
    }
    # Requests go into an in-memory pipe that a background copy drains into s3presign's input. Each request
    # is on its way at once (an answer never waits for later input), yet the pipeline pays no system call
    # per request: what arrives while the copy writes goes in its next write. The pipe never blocks a writer
    # (thresholds 0), so writing cannot deadlock against a child that waits for its results to be read.
    $pipe = [System.IO.Pipelines.Pipe]::new([System.IO.Pipelines.PipeOptions]::new($null, $null, $null, 0, 0))
    $run.Copy = $pipe.Reader.CopyToAsync($run.Process.StandardInput.BaseStream)
    $run.Stdin = [System.IO.StreamWriter]::new($pipe.Writer.AsStream(), $utf8)
    $run.Stdin.AutoFlush, $run.Stdin.NewLine, $run.Stdout = $true, "`n", $run.Process.StandardOutput
    $run.ReadTask, $run.StderrTask = $run.Stdout.ReadLineAsync(), $run.Process.StandardError.ReadToEndAsync()
    $run
}

function Send-S3PreSignRequest {
    # Writes one request line; its answer will be reported against $Target as input object $Number.
    # Get-S3PreSignedURL does the same inline for its common case (one request per object).
    param([hashtable]$Run, [string]$Line, [object]$Target, [long]$Number)
    if ($Run.Targets.Count -ge $Run.Window) { Receive-S3PreSignResult $Run ($Run.Answered + $Run.Window / 2) }
    $Run.Stdin.WriteLine($Line); $Run.Targets.Enqueue($Target); $Run.Numbers.Enqueue($Number)
    if ($Run.ReadTask.IsCompleted) { Receive-S3PreSignResult $Run -1 }
}

function Receive-S3PreSignResult {
    # Emits the results that have arrived. $Until: -1, only those; a count: also wait until that many requests
    # are answered; [long]::MaxValue: until the child's output ends.
    param([hashtable]$Run, [long]$Until)
    $cmdlet = $Run.Cmdlet
    while ($true) {
        $task = $Run.ReadTask
        if (-not $task.IsCompleted) {
            if ($Run.Answered -ge $Until) { return }
            while (-not $task.Wait(200)) { }   # short waits let Ctrl+C stop the pipeline
        }
        $line = $task.Result
        # The output ended: the child is done, or died (Complete-S3PreSignRun says which).
        if ($null -eq $line) { $Run.Eof = $true; if (-not $Run.Closing) { Complete-S3PreSignRun $Run }; return }
        $Run.ReadTask = $Run.Stdout.ReadLineAsync()
        if ($null -ne $Run.Raw) { [void]$Run.Raw.AppendLine($line); continue }
        if (($record = $null) -or $line.StartsWith('{')) {
            if ($null -ne $Run.Detailed -and $line.StartsWith('{"type":"url"')) { $record = [System.Text.Json.JsonSerializer]::Deserialize($line, $Run.Detailed, $Run.JsonOptions) }
            else {
                try { $record = ConvertFrom-Json -InputObject $line } catch { $record = $null }
                if ($null -eq $record -or -not $record.type) { Stop-S3PreSignRun $Run 'ProtocolError' "s3presign wrote a line that is not a result of protocol 1 (line $($Run.Answered + 1) of its output)." }
                if ($record.type -eq 'fatal') { $cmdlet.ThrowTerminatingError((New-S3PreSignError $record.code (Convert-S3PreSignMessage $Run $record.message) $null)) }
            }
        }
        # A listing answers no request: each object listed and signed is an answer of its own.
        if ($Run.Listing) { $Run.Targets.Enqueue($null); $Run.Numbers.Enqueue(0); if ($Run.Answered % 1000 -eq 0) { Write-Progress -Activity $Run.Listing -Status "$($Run.Answered) objects signed so far" } }
        if ($Run.Targets.Count -eq 0) { Stop-S3PreSignRun $Run 'ProtocolError' "s3presign wrote an answer (line $($Run.Answered + 1)) to a request that was not sent." }
        $Run.Answered++
        $target, $number = $Run.Targets.Dequeue(), $Run.Numbers.Dequeue()
        if ($null -eq $record -and $line.StartsWith('http')) { $cmdlet.WriteObject($line); continue }
        if ($null -eq $record) { Stop-S3PreSignRun $Run 'ProtocolError' "s3presign wrote a line that is neither a URL nor a result record (answer $($Run.Answered))." }
        $type = if ($record -is [System.Management.Automation.PSCustomObject]) { $record.type } else { 'url' }
        if ($type -eq 'error') {
            if ($record.line -ne $Run.Answered) { Stop-S3PreSignRun $Run 'ProtocolError' "s3presign answered line $($record.line) where line $($Run.Answered) was expected." }
            $message = Convert-S3PreSignMessage $Run $record.message
            if (-not $Run.Single -and $Run.Numbered) { $message = "$(if ($Run.Itemised) { $Run.Itemised -f $target } else { "input object $number" }): $message" }
            # inspect echoes a URL it could not read with its session token redacted: that is the target.
            $errorRecord = New-S3PreSignError $record.code $message $(if ($record.input.url) { $record.input.url } else { $target })
            if ($Run.Single) { $cmdlet.ThrowTerminatingError($errorRecord) }
            $cmdlet.WriteError($errorRecord)
        } elseif ($type -eq 'url') { $cmdlet.WriteObject($record) }
        else { & $Run.Convert $record $target }
    }
}

function Convert-S3PreSignMessage {
    # s3presign's message in PowerShell's terms (-ExpiresIn, not --expires-in or expires_in), masked. The words
    # (flags and protocol fields) are looked up in a dictionary built from the flag table on first use, not at
    # import: most runs have no message to convert.
    param([hashtable]$Run, [string]$Message)
    if (-not ($terms = $script:S3PreSignTerms)) {
        $terms = $script:S3PreSignTerms = @{ '--bucket' = '-BucketName'; '--key' = '-Key'; '--sse-customer-key' = '-ServerSideEncryptionCustomerProvidedKey'; part_number = '-PartNumber'; version_id = '-VersionId'; '--condition' = '-Conditions'; '--recursive' = '-KeyPrefix' }
        foreach ($entry in $S3PreSignFlags.GetEnumerator()) { $terms[$entry.Value[0]] = $terms[$entry.Value[0].Substring(2).Replace('-', '_')] = '-' + $entry.Key }
        $terms.sse = $terms['--sse'] = '-ServerSideEncryptionMethod'
    }
    # "every request without an expiry of its own": piped objects never have one here (-Expires is the command's).
    $Message = $Message -replace '^line \d+: ', '' -replace '; nothing was signed: every request without an expiry of its own would fail the same way$', '' -replace '"[a-z_]+" on the line or (--[a-z-]+)', '$1' -replace 'the environment variable S3PRESIGN_SSE_CUSTOMER_KEY', '--sse-customer-key' -replace 'the line''s "region"', 'its Region property'
    # Not inside an aws CLI command the message suggests (aws sso login --profile NAME), and not twice where
    # the message already gives the PowerShell name: "--profile (-ProfileName)".
    $Message = [regex]::Replace($Message, '(?<![\w-]|aws [a-z0-9 -]+ )(--[a-z0-9-]+|[a-z]+(?:_[a-z0-9]+)+|sse|acl)(?![\w-])', { param($m) if ($terms[$m.Value]) { $terms[$m.Value] } else { $m.Value } }) -replace '(-\w+) \(\1( in PowerShell)?\)', '$1'
    Protect-S3PreSignText $Run $Message
}

function Complete-S3PreSignRun {
    # Ends the input, emits every remaining result, reports the child's warnings and any unexplained failure.
    param([hashtable]$Run)
    $Run.Closing = $true
    try {
        # The child's input closes once the copy has written every request; meanwhile its results are read,
        # or a child waiting for them to be read would never take the rest.
        $Run.Stdin.Close()
        while (-not $Run.Copy.IsCompleted) { [void][System.Threading.Tasks.Task]::WaitAny([System.Threading.Tasks.Task[]]($Run.Copy, $Run.ReadTask), 200); Receive-S3PreSignResult $Run -1 }
        $Run.Process.StandardInput.Close()
    } catch { $Run.Cmdlet.WriteDebug('s3presign stopped reading its input') }
    Receive-S3PreSignResult $Run ([long]::MaxValue)
    while (-not ($process = $Run.Process).WaitForExit(200)) { }
    $stderr = if ($Run.StderrTask.Wait(5000)) { Protect-S3PreSignText $Run $Run.StderrTask.Result } else { '' }
    $messages = [System.Collections.Generic.List[string]]::new()
    foreach ($line in $stderr -split '\r?\n') {
        if ($line.StartsWith('s3presign: warning: ')) {
            # "line N" is the Nth request: input object N while each object was one request (OnePerObject).
            $text = if ($Run.OnePerObject) { $line.Substring(20) -replace '^line (\d+): ', 'input object $1: ' } else { $line.Substring(20) }
            if ($Run.Warned.Add($text)) { Write-Warning (Convert-S3PreSignMessage $Run $text) }
        }
        elseif ($line) { $messages.Add(($line -replace '^(s3presign: )?error: ', '')); if ($Run.Verbose) { $Run.Cmdlet.WriteVerbose($line) } }
    }
    $why = if ($messages.Count) { Convert-S3PreSignMessage $Run ($messages -join "`n") } else { '(nothing on standard error)' }
    if ($Run.Targets.Count -or $process.ExitCode -notin 0, 1 -or ($null -ne $Run.Raw -and $process.ExitCode)) {
        Stop-S3PreSignRun $Run $(if ($process.ExitCode -eq 2 -and $stderr -match '(?m)^error: ') { 'usage' } else { 'ProcessFailed' }) "s3presign failed (exit code $($process.ExitCode)) after answering $($Run.Answered) of $($Run.Answered + $Run.Targets.Count) request(s): $why"
    }
}

function Stop-S3PreSignRun {
    # Ends the child (if still running) and the command with a terminating error; with no $Code, only the child.
    param([hashtable]$Run, [string]$Code, [string]$Message)
    if ($Run -and $Run.Process) { try { $Run.Stdin.Dispose(); if (-not $Run.Process.HasExited) { $Run.Process.Kill($true) }; if (-not $Code) { $Run.Process.Dispose() } } catch { Write-Debug "stop: $_" } }
    if ($Code) { $Run.Cmdlet.ThrowTerminatingError((New-S3PreSignError $Code $Message $null)) }
}

function Get-S3PreSignDetailedType {
    # The -Detailed result type, a PowerShell class filled by System.Text.Json. Defined on first use: a class
    # costs its compile time at import otherwise, and most pipelines want only the URLs.
    if (-not $script:S3PreSignDetailedType) { $script:S3PreSignDetailedType, $script:S3PreSignJsonOptions = (. ([System.IO.Path]::Combine($PSScriptRoot, 'S3PreSign.Types.ps1'))), [System.Text.Json.JsonSerializerOptions]::new() }
    $script:S3PreSignDetailedType, $script:S3PreSignJsonOptions
}

function Complete-S3PreSignArgument {
    # Tab completion, from the binary (no network): -Region from s3presign regions, -ProfileName from s3presign profiles
    # (of -ProfileLocation's file when the command line gives one).
    param($CommandName, $ParameterName, $WordToComplete, $CommandAst, $FakeBoundParameters)
    $binary = Resolve-S3PreSignBinary
    $values = if (-not $binary) { } elseif ($ParameterName -eq 'Region') { & $binary regions } else { (& $binary profiles --output json $(if ($FakeBoundParameters.ProfileLocation) { "--credentials-file=$($FakeBoundParameters.ProfileLocation)" }) 2>$null | ConvertFrom-Json).name }
    foreach ($value in $values) { if ($value -like "$WordToComplete*") { [System.Management.Automation.CompletionResult]::new($value, $value, 'ParameterValue', $value) } }
}

function Get-S3PreSignedURL {
    <#
    .SYNOPSIS
    Makes pre-signed S3 URLs (AWS Signature Version 4) without contacting AWS, as AWS.Tools.S3's Get-S3PreSignedURL does, in bulk; -KeyPrefix lists the objects to sign through S3.

    .DESCRIPTION
    Get-S3PreSignedURL signs GET, PUT, HEAD or DELETE requests for S3 objects with the s3presign program, which
    it runs once per pipeline however many objects flow through it. Parameters, aliases, defaults and output
    follow AWS.Tools.S3's Get-S3PreSignedURL, so its scripts run unchanged: each URL is a [string].

    -Detailed emits S3PreSignedUrl objects instead (Bucket, Key, Verb, Url, ExpiresAt, EffectiveExpiresAt,
    CredentialExpiresAt, SignedAt, ExpiresInSeconds, Region, VersionId, ContentType, Headers, UploadId,
    PartNumber, Curl, InvokeWebRequest), whose ToString() is the URL. Instants are ISO 8601 UTC strings with Z
    (2026-12-07T16:17:37Z), so Export-Csv and ConvertTo-Json write them the same under any culture; they sort
    and compare as text, and [datetime] reads them. EffectiveExpiresAt is when the URL really stops working:
    the earlier of ExpiresAt and the expiry of temporary credentials. Headers lists the headers the client
    must send because they are signed, one "Name: value" per line; Curl and InvokeWebRequest then hold
    ready-to-run commands that send them (LOCAL_FILE stands for the file).

    Errors: a single request from parameters (nothing piped, one key) that cannot be signed is a terminating
    error, as in AWS.Tools, so try/catch catches it. In pipelines and with several keys or parts, each item that
    cannot be signed is a non-terminating error naming the input object ("input object 4: ..."), or the value
    of -Key or -PartNumber ("-PartNumber 10001: ..."), with the input object (the key, the part number) as
    TargetObject and the s3presign error code as ErrorId (expiry_too_far, missing_key, ...);
    the others are still signed, in order. Setup problems (unknown profile, no credentials, a malformed region) stop
    the command, as does an -Expires or -ExpiresIn that no request could be signed with (ErrorId expiry_too_far,
    expiry_in_past, invalid_expiry): one error, not one per object.

    Credentials, in AWS.Tools' order: -AccessKey/-SecretKey/-SessionToken, -Credential, -ProfileName
    (-ProfileLocation), $StoredAWSCredentials (Set-AWSCredential), then the environment and the default
    profile. Region: -Region, $StoredAWSRegion (Set-DefaultAWSRegion), AWS_REGION, the profile. Secrets
    reach s3presign through its environment only, never its command line. -Debug shows where the
    credentials and region came from and the command line; it never prompts.

    The program is found through $env:S3PRESIGN_BIN, then the module's bin/<os>-<arch>/ folder, then PATH.

    .PARAMETER BucketName
    The bucket. Aliases: Bucket. Binds from the BucketName or Bucket property of piped objects; a piped string
    is the bucket when -Key is given and neither -BucketName nor -UploadId is (as in AWS.Tools).

    .PARAMETER Key
    The object key(s), as stored (not URL-encoded). Piped strings and numbers are keys; binds from the Key
    property of piped objects. An item without a key is a missing_key error.

    .PARAMETER VersionId
    Sign a request for this version of the object. Binds from the VersionId property of piped objects.

    .PARAMETER Expires
    When the URL expires; at most 7 days after signing. Aliases: Expire (AWS.Tools' name). A [datetime] that
    names no zone, such as (Get-Date).AddDays(2) or '2026-12-02', is local time, as in AWS.Tools (s3presign's
    own --expires reads a date without a zone as UTC); give [datetime]::UtcNow.AddDays(2) or
    '2026-12-02T00:00:00Z' for UTC.

    .PARAMETER ExpiresIn
    How long the URL lives: a TimeSpan, seconds, or a duration such as 90s, 15m, 12h, 7d, 1d12h. Without
    -Expires or -ExpiresIn the URL lives 1 hour.

    .PARAMETER Verb
    GET (default), PUT, HEAD, DELETE, or POST (completing a multipart upload).

    .PARAMETER Protocol
    HTTPS (default) or HTTP.

    .PARAMETER Region
    The region to sign for. Aliases: RegionToCall. Without -Region, a piped object's Region property is used for
    that item.

    .PARAMETER ProfileName
    The profile of the AWS config and credentials files. Aliases: StoredCredentials, AWSProfileName, Profile.

    .PARAMETER ProfileLocation
    A credentials file to read profiles from. Aliases: AWSProfilesLocation, ProfilesLocation.

    .PARAMETER AccessKey
    An access key id. Aliases: AK.

    .PARAMETER SecretKey
    The secret access key for -AccessKey. Aliases: SK, SecretAccessKey.

    .PARAMETER SessionToken
    The session token of temporary credentials. Aliases: ST.

    .PARAMETER Credential
    AWS credentials: an Amazon.Runtime.AWSCredentials object (or anything with GetCredentials()).

    .PARAMETER EndpointUrl
    A custom S3 endpoint, e.g. http://127.0.0.1:9000.

    .PARAMETER ForcePathStyleAddressing
    Path-style URLs (https://host/bucket/key) when $true, as AWS.Tools' bool? parameter; virtual-hosted URLs
    (https://bucket.host/key) when $false, also at an -EndpointUrl (which is path-style unless asked).

    .PARAMETER ForcePathStyle
    Path-style URLs (https://host/bucket/key), as a switch.

    .PARAMETER UseAccelerateEndpoint
    The S3 Transfer Acceleration endpoint.

    .PARAMETER UseDualstackEndpoint
    The dual-stack (IPv4 and IPv6) endpoint.

    .PARAMETER ContentType
    PUT: the Content-Type the uploader must send (signed).

    .PARAMETER ResponseContentDisposition
    GET: the Content-Disposition S3 answers with. Aliases: ResponseHeaderOverrides_ContentDisposition.

    .PARAMETER ResponseContentType
    GET: the Content-Type S3 answers with. Aliases: ResponseHeaderOverrides_ContentType.

    .PARAMETER ResponseCacheControl
    GET: the Cache-Control S3 answers with. Aliases: ResponseHeaderOverrides_CacheControl.

    .PARAMETER ResponseContentLanguage
    GET: the Content-Language S3 answers with. Aliases: ResponseHeaderOverrides_ContentLanguage.

    .PARAMETER ResponseContentEncoding
    GET: the Content-Encoding S3 answers with. Aliases: ResponseHeaderOverrides_ContentEncoding.

    .PARAMETER ResponseExpires
    GET: the Expires header S3 answers with. Aliases: ResponseHeaderOverrides_Expires.

    .PARAMETER UploadId
    A multipart upload: with -Verb PUT and -PartNumber a URL per part; POST completes it, DELETE aborts it.

    .PARAMETER PartNumber
    The part(s), 1-10000, with -UploadId: one URL per number. Piped numbers are part numbers with -UploadId, and
    so is the PartNumber property of piped objects (Import-Csv rows).

    .PARAMETER KeyPrefix
    Sign every object under this prefix of -BucketName ('' for the whole bucket): s3presign lists them
    (ListObjectsV2, every page: a call to S3 with the same credentials, region and endpoint) and signs each as
    it is listed, with Write-Progress on the way. The name Get-S3Object uses. Not with -Key or pipeline input.

    .PARAMETER ServerSideEncryptionMethod
    PUT: None (no header), AES256, aws:kms or aws:kms:dsse. Aliases: ServerSideEncryption.

    .PARAMETER ServerSideEncryptionKeyManagementServiceKeyId
    PUT: the KMS key for aws:kms.

    .PARAMETER StorageClass
    PUT: the storage class, e.g. STANDARD_IA.

    .PARAMETER Acl
    PUT: a canned ACL. Aliases: CannedACLName.

    .PARAMETER Metadata
    PUT: user metadata, signed x-amz-meta-NAME headers.

    .PARAMETER ContentMD5
    PUT: base64 MD5 of the body.

    .PARAMETER ChecksumSHA256
    PUT: base64 SHA-256 of the body.

    .PARAMETER RequesterPays
    The requester pays (x-amz-request-payer). Aliases: RequestorPay.

    .PARAMETER ServerSideEncryptionCustomerProvidedKey
    SSE-C: the base64 256-bit key. Reaches s3presign through its environment only; shown nowhere.

    .PARAMETER ServerSideEncryptionCustomerMethod
    SSE-C: AES256, the only one S3 has.

    .PARAMETER ServerSideEncryptionCustomerProvidedKeyMD5
    SSE-C: the key's base64 MD5, checked against the key.

    .PARAMETER StrictExpiry
    Fail items whose URL would outlive the signing credentials instead of warning.

    .PARAMETER StartTime
    Sign as if at this instant.

    .PARAMETER Detailed
    Emit S3PreSignedUrl objects instead of URL strings.

    .PARAMETER AsString
    Emit URL strings: the default (kept for scripts that pass it).

    .PARAMETER InputObject
    What is piped: a key or bucket name (string), a part number, or an object with BucketName/Bucket, Key,
    VersionId, Region and PartNumber properties (Get-S3Object output, Import-Csv rows).

    .EXAMPLE
    $url = Get-S3PreSignedURL -BucketName reports -Key 2025/q1/summary.pdf -Expire (Get-Date).AddDays(2)
    Send-MailMessage -Body "Download: $url" ...

    The AWS.Tools way: a [string], valid for two days.

    .EXAMPLE
    Get-S3Object -BucketName reports -KeyPrefix 2025/q1/ | Get-S3PreSignedURL -ExpiresIn 7d -Detailed | Export-Csv links.csv

    A 7-day link for every listed object, in a CSV with the bucket, key, expiry (ISO 8601 UTC) and URL.

    .EXAMPLE
    Get-S3PreSignedURL -BucketName reports -KeyPrefix 2025/q1/ -ExpiresIn 7d -Detailed | Export-Csv links.csv

    The same without AWS.Tools: s3presign lists the prefix itself and signs each object as it is listed.

    .EXAMPLE
    Import-Csv keys.csv | Get-S3PreSignedURL -ExpiresIn 12h -Detailed -ErrorVariable failed -ErrorAction SilentlyContinue | Export-Csv links.csv
    if ($failed) { $failed | ForEach-Object { "not signed: $_" }; exit 1 }

    A scheduled job: signs what can be signed, collects the rest ("input object 4: ...") and fails the job.

    .EXAMPLE
    $upload = Get-S3PreSignedURL -BucketName uploads -Key in/data.csv -Verb PUT -ContentType text/csv -Metadata @{ owner = 'ops' } -Detailed
    Invoke-Expression $upload.InvokeWebRequest.Replace('LOCAL_FILE', "'./data.csv'")

    An upload URL whose signed headers (Content-Type, x-amz-meta-owner) the uploader must send; Curl and
    InvokeWebRequest are ready-to-run commands that send them, LOCAL_FILE standing for the file.

    .EXAMPLE
    $id = s3presign multipart create --bucket uploads --key big.iso
    $parts = Get-S3PreSignedURL -BucketName uploads -Key big.iso -Verb PUT -UploadId $id -PartNumber (1..40) -Detailed
    $done = Get-S3PreSignedURL -BucketName uploads -Key big.iso -Verb POST -UploadId $id

    40 part URLs from one process, each with its PartNumber, and the URL that completes the upload. The same
    with a pipeline: 1..40 | Get-S3PreSignedURL -BucketName uploads -Key big.iso -Verb PUT -UploadId $id.

    .EXAMPLE
    $key = [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32))
    $put = Get-S3PreSignedURL -BucketName vault -Key backup.tar -Verb PUT -ServerSideEncryptionCustomerProvidedKey $key -Detailed

    SSE-C: S3 encrypts the object with your key; the URL signs the customer-key headers, which the client
    sends (InvokeWebRequest reads the key from $env:S3PRESIGN_SSE_CUSTOMER_KEY). The key is shown nowhere.

    .OUTPUTS
    System.String; S3PreSignedUrl with -Detailed.

    .LINK
    https://docs.aws.amazon.com/powershell/latest/reference/items/Get-S3PreSignedURL.html
    #>
    [CmdletBinding(DefaultParameterSetName = 'Profile', PositionalBinding = $false)]
    [OutputType([string])]
    [OutputType('S3PreSignedUrl')]
    param(
        # [object] for -BucketName and -Key: the process block applies AWS.Tools' binding rules itself
        # (a piped string is the bucket when -Key is given), and an item without one becomes its own error.
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)][Alias('Bucket')][object]$BucketName,
        [Parameter(Position = 1, ValueFromPipelineByPropertyName)][object]$Key, [Parameter(ValueFromPipelineByPropertyName)][string]$VersionId,
        [Alias('RegionToCall')][object]$Region, [object]$PartNumber, [AllowEmptyString()][string]$KeyPrefix, [Alias('Expire')][datetime]$Expires, [object]$ExpiresIn,
        [ValidateSet('GET', 'PUT', 'HEAD', 'DELETE', 'POST')][string]$Verb = 'GET', [ValidateSet('HTTP', 'HTTPS')][string]$Protocol = 'HTTPS',
        [Parameter(ParameterSetName = 'Profile')][Alias('StoredCredentials', 'AWSProfileName', 'Profile')][AllowEmptyString()][AllowNull()][string]$ProfileName,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')][AllowEmptyString()][AllowNull()][string]$ProfileLocation,
        [Parameter(ParameterSetName = 'AccessKey')][Alias('AK')][AllowEmptyString()][AllowNull()][string]$AccessKey,
        [Parameter(ParameterSetName = 'AccessKey')][Alias('SK', 'SecretAccessKey')][AllowEmptyString()][AllowNull()][string]$SecretKey,
        [Parameter(ParameterSetName = 'AccessKey')][Alias('ST')][AllowEmptyString()][AllowNull()][string]$SessionToken,
        [Parameter(ParameterSetName = 'Credential')][object]$Credential, [AllowEmptyString()][AllowNull()][string]$EndpointUrl,
        [Nullable[bool]]$ForcePathStyleAddressing, [switch]$ForcePathStyle, [switch]$UseAccelerateEndpoint, [switch]$UseDualstackEndpoint, [string]$ContentType,
        [Alias('ResponseHeaderOverrides_ContentDisposition')][string]$ResponseContentDisposition,
        [Alias('ResponseHeaderOverrides_ContentType')][string]$ResponseContentType, [Alias('ResponseHeaderOverrides_CacheControl')][string]$ResponseCacheControl,
        [Alias('ResponseHeaderOverrides_ContentLanguage')][string]$ResponseContentLanguage, [Alias('ResponseHeaderOverrides_ContentEncoding')][string]$ResponseContentEncoding,
        [Alias('ResponseHeaderOverrides_Expires')][string]$ResponseExpires, [string]$UploadId,
        [Alias('ServerSideEncryption')][ValidateSet('None', 'AES256', 'aws:kms', 'aws:kms:dsse')][string]$ServerSideEncryptionMethod,
        [string]$ServerSideEncryptionKeyManagementServiceKeyId, [string]$StorageClass, [Alias('CannedACLName')][string]$Acl,
        [System.Collections.IDictionary]$Metadata, [string]$ContentMD5, [string]$ChecksumSHA256, [Alias('RequestorPay')][switch]$RequesterPays,
        [AllowEmptyString()][AllowNull()][string]$ServerSideEncryptionCustomerProvidedKey, [ValidateSet('AES256')][string]$ServerSideEncryptionCustomerMethod,
        [AllowEmptyString()][AllowNull()][string]$ServerSideEncryptionCustomerProvidedKeyMD5,
        [switch]$StrictExpiry, [datetime]$StartTime, [switch]$Detailed, [switch]$AsString,
        # What is piped: bound here, then read as AWS.Tools would bind it (the process block).
        [Parameter(ValueFromPipeline, DontShow)][object]$InputObject
    )

    begin {
        Set-StrictMode -Off
        if ($PSBoundParameters.ContainsKey('Expires') -and $PSBoundParameters.ContainsKey('ExpiresIn')) { $PSCmdlet.ThrowTerminatingError((New-S3PreSignError 'conflicting_expiry' 'Give either -Expires (an instant) or -ExpiresIn (a lifetime), not both.' $null)) }
        if ($Detailed -and $AsString) { $PSCmdlet.ThrowTerminatingError((New-S3PreSignError 'usage' '-Detailed (objects) and -AsString (URL strings) ask for different outputs: give one of them.' $null)) }
        if ([bool]$PSBoundParameters['AccessKey'] -ne [bool]$PSBoundParameters['SecretKey']) { $PSCmdlet.ThrowTerminatingError((New-S3PreSignError 'usage' '-AccessKey and -SecretKey go together (with -SessionToken for temporary credentials): give both, or neither.' $null)) }
        # The table's names for what this command calls otherwise. -BucketName, -Key, -VersionId and -PartNumber
        # are not in the table: they go on the request lines, item by item.
        $bound = @{} + $PSBoundParameters
        if ($ServerSideEncryptionMethod -and $ServerSideEncryptionMethod -ne 'None') { $bound.ServerSideEncryption = $ServerSideEncryptionMethod }
        $bound.ForcePathStyle, $bound.Verb, $commandRegion = ($ForcePathStyleAddressing -eq $true -or $ForcePathStyle), $Verb, $PSBoundParameters['Region']
        if ($ForcePathStyleAddressing -eq $false) { $bound.AddressingStyle = 'virtual' }   # asked for: even at a custom endpoint, which is path-style by default
        $arguments, $run = ('batch', '--protocol', '1', '--output', $(if ($Detailed) { 'powershell' } else { 'url-or-error' })), $null
        $piped, $keyGiven, $bucketGiven, $fixedParts, $index = $PSCmdlet.MyInvocation.ExpectingInput, $PSBoundParameters.ContainsKey('Key'), $PSBoundParameters.ContainsKey('BucketName'), $PSBoundParameters['PartNumber'], 0
        if (($listing = $PSBoundParameters.ContainsKey('KeyPrefix')) -and ($keyGiven -or $piped -or $VersionId -or -not $BucketName)) { $PSCmdlet.ThrowTerminatingError((New-S3PreSignError 'usage' '-KeyPrefix signs the current version of every object under a prefix of -BucketName: give -BucketName, and neither -Key, -VersionId nor pipeline input.' $KeyPrefix)) }
    }

    process {
        if ($listing) { return }   # -KeyPrefix: the objects come from the listing (end), not from parameters or the pipeline
        # Started with the first item: an empty pipeline starts nothing. The common case (an item that is one
        # request, answered by a URL or, with -Detailed, a url record) runs inline below, not through the
        # runner's functions: a script function call costs more than everything else an item does.
        if (-not $run) {
            $run = Start-S3PreSignRun $PSCmdlet $arguments $bound
            $stdin, $stdout, $targets, $numbers, $answer, $run.Single, $run.OnePerObject = $run.Stdin, $run.Stdout, $run.Targets, $run.Numbers, $(if ($Detailed) { '{"type":"url"' } else { 'http' }), -not $piped, $piped
        }
        # What the pipeline gave, bound as AWS.Tools binds it: a piped string is the bucket when -Key is on the
        # command line and neither -BucketName nor -UploadId; else piped strings and numbers are keys, or, with
        # -UploadId, numbers are part numbers. PowerShell binds an object's BucketName/Bucket, Key and VersionId
        # properties to those parameters (where the command line left them free), as AWS.Tools does.
        $index++
        $bucket, $keys, $parts, $itemRegion, $target = $BucketName, $Key, $PartNumber, $null, $InputObject
        if (-not $piped) { $target = $keys }
        elseif ($InputObject -is [string] -or $InputObject -is [ValueType]) {
            if ($keyGiven -and -not $bucketGiven -and -not $UploadId) { $bucket = [string]$InputObject }
            elseif ($UploadId -and ($InputObject -isnot [string] -or $keyGiven)) { $parts = $InputObject }
            else { $keys = $InputObject }
        } else {
            # An object's Region (signed for, unless -Region is given) and, with -UploadId, PartNumber are read here
            # rather than bound by property name (BucketName, Key and VersionId are, as in AWS.Tools): PowerShell's
            # binder costs every piped object about 3 µs per parameter bound by property name.
            if ($null -eq $commandRegion) { $itemRegion = [string]$InputObject.Region }   # signed for its region
            # As in AWS.Tools, an object's Verb, ExpiresIn, Expires or ContentType is not read (a CSV's columns): said once.
            if ($index -eq 1 -and ($unread = 'Verb', 'ExpiresIn', 'Expires', 'ContentType' | Where-Object { $InputObject.PSObject.Properties[$_] })) {
                Write-Warning "The piped objects have $($unread -join ', ') properties, which Get-S3PreSignedURL does not read (nor does AWS.Tools'): every object is signed with the command's $(($unread | ForEach-Object { "-$_" }) -join ', ') or the default. For a value per row, run s3presign batch --input-format csv, which reads these columns."
            }
            if ($UploadId -and $null -eq $fixedParts) { $parts = $InputObject.PartNumber }
        }
        # The bucket's JSON, encoded again only when it changes (pipelines usually repeat one bucket).
        $fields = if ($lastBucket -ceq $bucket) { $lastFields } elseif ($bucket) { ($lastFields = ',"bucket":"' + [System.Text.Json.JsonEncodedText]::Encode([string]($lastBucket = $bucket)).ToString() + '"') } else { '' }
        if ($VersionId) { $fields += ',"version_id":"' + [System.Text.Json.JsonEncodedText]::Encode($VersionId).ToString() + '"' }
        if ($itemRegion) { $fields += ',"region":"' + [System.Text.Json.JsonEncodedText]::Encode($itemRegion).ToString() + '"' }
        if ($keys -is [string] -and $null -eq $parts) {
            if ($targets.Count -ge $run.Window) { Receive-S3PreSignResult $run ($run.Answered + $run.Window / 2) }
            $stdin.WriteLine('{"key":"' + [System.Text.Json.JsonEncodedText]::Encode($keys).ToString() + '"' + $fields + '}')
            $targets.Enqueue($target); $numbers.Enqueue($index)
        } else {
            # Several keys or parts (one request each). An empty PartNumber (an Import-Csv cell) is none.
            $keys = if ($null -eq $keys) { [string[]]'' } else { [string[]]$keys }
            if ('' -eq $parts) { $parts = $null }
            $partList = if ($null -eq $parts) { , [object[]]::new(1) } else { @(foreach ($p in $parts) { if ($p -is [int] -or $p -is [long]) { [string]$p } else { '"' + [System.Text.Json.JsonEncodedText]::Encode([string]$p).ToString() + '"' } }) }
            $run.Single = -not $piped -and $keys.Count * $partList.Count -eq 1
            if ($keys.Count * $partList.Count -ne 1) { $run.OnePerObject = $false }
            # Several keys or parts from the command line: an error names the value ("-PartNumber 10001: ..."), as
            # PowerShell's own commands do for array arguments; "input object N" is for pipeline input.
            if (-not $piped) { $run.Itemised = if ($null -ne $fixedParts) { '-PartNumber {0}' } else { "-Key '{0}'" } }
            foreach ($k in $keys) {
                $head = '{"key":"' + [System.Text.Json.JsonEncodedText]::Encode($k).ToString() + '"' + $fields
                foreach ($p in $partList) {
                    $line = if ($null -ne $p) { $head + ',"part_number":' + $p + '}' } else { $head + '}' }
                    $t = if ($piped) { $InputObject } elseif ($null -ne $p -and $null -ne $fixedParts) { $p.Trim('"') } else { $k }
                    Send-S3PreSignRequest $run $line $t $index
                }
            }
        }
        # The results that have arrived: URLs (url records) here, emitted as output (cheaper than WriteObject
        # calls), anything else through the runner.
        while (($task = $run.ReadTask).IsCompleted -and $targets.Count -and ($line = $task.Result) -and $line.StartsWith($answer)) {
            $run.ReadTask = $stdout.ReadLineAsync(); $run.Answered++; [void]$targets.Dequeue(); [void]$numbers.Dequeue()
            if ($Detailed) { [System.Text.Json.JsonSerializer]::Deserialize($line, $run.Detailed, $run.JsonOptions) } else { $line }
        }
        if ($run.ReadTask.IsCompleted) { Receive-S3PreSignResult $run -1 }
    }

    end {
        if ($listing) {
            # s3presign lists the prefix and signs what it lists (url --recursive); only its answers are read.
            $run = Start-S3PreSignRun $PSCmdlet ('url', '--recursive', "--bucket=$BucketName", '--output', $arguments[4]) $bound
            $run.Listing, $run.Numbered = "Signing every object under s3://$BucketName/$KeyPrefix", $false
        }
        if ($run) { Complete-S3PreSignRun $run }
        if ($listing) { Write-Progress -Activity $run.Listing -Completed }
    }

    clean { Stop-S3PreSignRun $run }
}

# Completers registered here, not as attributes: an attribute's script block would not see this module's functions.
foreach ($name in 'Region', 'ProfileName') { Register-ArgumentCompleter -CommandName Get-S3PreSignedURL, New-S3PreSignedPost, ConvertFrom-S3PreSignedURL -ParameterName $name -ScriptBlock ${function:Complete-S3PreSignArgument} }
Export-ModuleMember -Function Get-S3PreSignedURL, New-S3PreSignedPost, ConvertFrom-S3PreSignedURL

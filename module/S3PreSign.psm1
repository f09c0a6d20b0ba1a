# S3PreSign: a thin PowerShell wrapper around the s3presign program (see docs/protocol.md).
# One `s3presign batch` process serves a whole pipeline: requests are streamed to its stdin as JSON
# Lines and results are read back, in order, from its stdout while more requests are being written.
#
# How it stays fast (bench/module.ps1 measures it):
# - No PowerShell classes: they are compiled when the module is imported, and their methods are slow to
#   call. The per-item work is inline in the process block; work done once per chunk of results lives
#   in Receive-S3PreSignResult, called once per chunk of results. (No dot-sourcing in Get-S3PreSignedURL:
#   it would make every variable access in it slow.) What only an upload's pipeline needs per item (part
#   numbers) is in Send-S3PreSignPart: PowerShell compiles the process block in the background while it
#   interprets the first items, and the smaller the block, the sooner it is ready. The function as a whole
#   must stay under 300 statements, beyond which PowerShell never compiles it.
# - A [pscustomobject] with a PSTypeName costs PowerShell more than everything else per item together, so
#   results are instances of a .NET type named S3PreSign.PresignedUrl, made with Reflection.Emit on
#   first use. System.Text.Json parses a whole chunk of result lines at a time into its companion
#   S3PreSign.BatchResult, whose emitted ToOutput method turns each chunk into output objects.
# - Requests are flushed to the child in batches, not line by line (a flush is a system call), yet an
#   input that arrives slowly still gets each result on the next call, as a line-at-a-time writer would.

# Error IDs -> ErrorCategory: the protocol's codes (docs/protocol.md) and the module's own. New-S3PreSignError
# gives an ID not listed (a future code) NotSpecified; New-S3PreSignedPost takes it as InvalidArgument.
$S3PreSignCategories = @{
    unknown_profile = 'ObjectNotFound'; no_credentials = 'AuthenticationError'
    no_region = 'InvalidArgument'; usage = 'InvalidArgument'
    # the caller's input
    missing_bucket = 'InvalidArgument'; missing_key = 'InvalidArgument'; invalid_bucket = 'InvalidArgument'
    invalid_key = 'InvalidArgument'; invalid_verb = 'InvalidArgument'; invalid_expiry = 'InvalidArgument'
    conflicting_expiry = 'InvalidArgument'; expiry_in_past = 'InvalidArgument'; expiry_too_far = 'InvalidArgument'
    content_type_not_put = 'InvalidArgument'; endpoint = 'InvalidArgument'; option_not_for_verb = 'InvalidArgument'
    invalid_multipart = 'InvalidArgument'; invalid_header = 'InvalidArgument'; invalid_url = 'InvalidArgument'
    MissingCustomerKey = 'InvalidArgument'
    credentials_expire_first = 'InvalidOperation'; signing = 'InvalidOperation'
    # the module wrote a line the program could not read: a bug here, not the caller's fault
    invalid_json = 'InvalidData'; empty_line = 'InvalidData'; unknown_field = 'InvalidData'; invalid_field = 'InvalidData'
    # the module's own: the program is missing, cannot start, or misbehaves
    BinaryNotFound = 'ObjectNotFound'; BinaryNotStarted = 'InvalidOperation'; ProcessFailed = 'InvalidOperation'
    ProtocolError = 'InvalidData'
}

function New-S3PreSignError {
    # ErrorId = the protocol code, so callers can test FullyQualifiedErrorId -like 'expiry_in_past,*'.
    param([string]$Code, [string]$Message, [object]$Target)
    $category = $S3PreSignCategories[$Code]
    if (-not $category) { $category = 'NotSpecified' }
    $exception = if ($category -eq 'InvalidArgument') { [System.ArgumentException]::new($Message) }
    else { [System.InvalidOperationException]::new($Message) }
    [System.Management.Automation.ErrorRecord]::new($exception, $Code, $category, $Target)
}

# The output type S3PreSign.PresignedUrl and the parsed result line S3PreSign.BatchResult, emitted the first
# time a pipeline needs them and then shared by every runspace of the process through an AppDomain slot:
# they hold data only (no script), so unlike PowerShell classes they have no runspace affinity. Change
# the slot's name whenever their shape changes, or a session that imported an older module keeps the old.
$S3PreSignTypesSlot = 'S3PreSign.Types.2'

function Write-S3PreSignIL {
    # Emits IL written as text, one instruction per line: an OpCodes field name (Ldarg_0, Stfld, ...),
    # alone or with an operand that is a name in $Operands (a field, method, local, label...) or a whole
    # number; "name:" marks the label $Operands[name]; "#" starts a comment. All of the module's IL goes
    # through the one Emit call site below: each call site costs PowerShell milliseconds the first time
    # it runs, and a pipeline's first URL includes making these types.
    param([System.Reflection.Emit.ILGenerator]$IL, [hashtable]$Operands, [string]$Code)
    foreach ($line in $Code.Split([char]10)) {
        $words = $line.Split('#')[0].Split(' ', [System.StringSplitOptions]::RemoveEmptyEntries)
        if ($words.Length -eq 0) { continue }
        if ($words[0].EndsWith(':')) { $IL.MarkLabel($Operands[$words[0].TrimEnd(':')]); continue }
        $opcode = $Operands[$words[0]]
        if ($null -eq $opcode) {
            $opcode = [System.Reflection.Emit.OpCodes].GetField($words[0]).GetValue($null)
            $Operands[$words[0]] = $opcode
        }
        if ($words.Length -eq 1) { $IL.Emit($opcode); continue }
        $operand = if ($Operands.ContainsKey($words[1])) { $Operands[$words[1]] } else { [int]$words[1] }
        $IL.Emit($opcode, $operand)
    }
}

function Get-S3PreSignTypes {
    $types = [System.AppDomain]::CurrentDomain.GetData($S3PreSignTypesSlot)
    if ($null -ne $types) { return , $types }

    $assembly = [System.Reflection.Emit.AssemblyBuilder]::DefineDynamicAssembly(
        [System.Reflection.AssemblyName]::new('S3PreSign.Types'), [System.Reflection.Emit.AssemblyBuilderAccess]::Run)
    $module = $assembly.DefineDynamicModule('S3PreSign.Types')
    $classAttributes = [System.Reflection.TypeAttributes]'Public, Sealed, Class'
    $public = [System.Reflection.FieldAttributes]::Public

    # What Get-S3PreSignedURL emits, in this property order. Fields are what PowerShell, Export-Csv and
    # ConvertTo-Json show as properties; all times are UTC.
    $url = $module.DefineType('S3PreSign.PresignedUrl', $classAttributes)
    $urlFields = @{}
    foreach ($field in @(
            @('Bucket', [string]), @('Key', [string]), @('Verb', [string]), @('Url', [string]),
            @('ExpiresAt', [datetime]), @('EffectiveExpiresAt', [datetime]), @('CredentialExpiresAt', [Nullable[datetime]]),
            @('SignedAt', [datetime]), @('ExpiresInSeconds', [long]), @('Region', [string]), @('VersionId', [string]),
            @('ContentType', [string]), @('Headers', [string]), @('UploadId', [string]), @('PartNumber', [Nullable[int]]),
            @('Curl', [string]), @('InvokeWebRequest', [string]))) {
        $urlFields[$field[0]] = $url.DefineField($field[0], $field[1], $public)
    }
    $urlConstructor = $url.DefineDefaultConstructor([System.Reflection.MethodAttributes]::Public)

    # One result line as docs/protocol.md defines it. Fields the module does not know are ignored, as the
    # protocol asks ("only ever grows by adding fields").
    $result = $module.DefineType('S3PreSign.BatchResult', $classAttributes)
    $jsonName = [System.Text.Json.Serialization.JsonPropertyNameAttribute].GetConstructor([type[]]@([string]))
    $fields = @{}
    foreach ($field in @(
            @('Type', [string], 'type'), @('Line', [long], 'line'), @('Bucket', [string], 'bucket'), @('Key', [string], 'key'),
            @('Verb', [string], 'verb'), @('Url', [string], 'url'), @('Region', [string], 'region'),
            @('SignedAt', [datetime], 'signed_at'), @('ExpiresAt', [datetime], 'expires_at'),
            @('ExpiresInSeconds', [long], 'expires_in_seconds'), @('CredentialsExpireAt', [Nullable[datetime]], 'credentials_expire_at'),
            @('EffectiveExpiresAt', [datetime], 'effective_expires_at'), @('VersionId', [string], 'version_id'),
            @('ContentType', [string], 'content_type'), @('Headers', [System.Collections.Generic.Dictionary[string, string]], 'headers'),
            @('Curl', [string], 'curl'), @('InvokeWebRequest', [string], 'invoke_web_request'),
            @('Warnings', [string[]], 'warnings'), @('Code', [string], 'code'), @('Message', [string], 'message'))) {
        $builder = $result.DefineField($field[0], $field[1], $public)
        $builder.SetCustomAttribute([System.Reflection.Emit.CustomAttributeBuilder]::new($jsonName, [object[]]@($field[2])))
        $fields[$field[0]] = $builder
    }
    $null = $result.DefineDefaultConstructor([System.Reflection.MethodAttributes]::Public)
    $methodAttributes = [System.Reflection.MethodAttributes]'Public, HideBySig'
    $staticAttributes = [System.Reflection.MethodAttributes]'Public, HideBySig, Static'

    # The operands the IL below names.
    $toPresignedUrl = $result.DefineMethod('ToPresignedUrl', $methodAttributes, $url, [type[]]@())
    $t = [type]::MakeGenericMethodParameter(0)
    $operands = @{
        newUrl = $urlConstructor; toPresignedUrl = $toPresignedUrl; empty = ''; url = 'url'
        stringEquals = [string].GetMethod('op_Equality', [type[]]@([string], [string]))
        headerCount = [System.Collections.Generic.Dictionary[string, string]].GetMethod('get_Count')
        blockCopy = [System.Buffer].GetMethod('BlockCopy')
        # Array.IndexOf<byte>(byte[] array, byte value, int startIndex, int count): vectorized
        indexOfByte = [System.Array].GetMethod('IndexOf', 1, [type[]]@($t.MakeArrayType(), $t, [int], [int])).MakeGenericMethod([byte])
    }
    foreach ($name in $fields.Keys) { $operands['result.' + $name] = $fields[$name] }
    foreach ($name in $urlFields.Keys) { $operands['url.' + $name] = $urlFields[$name] }

    # PresignedUrl ToPresignedUrl(): a new PresignedUrl with the fields copied over, Headers = "". UploadId
    # and PartNumber are not in results: the script sets them from what it sent.
    $il = $toPresignedUrl.GetILGenerator()
    Write-S3PreSignIL $il $operands @'
        Newobj newUrl
        Dup
        Ldarg_0
        Ldfld result.Bucket
        Stfld url.Bucket
        Dup
        Ldarg_0
        Ldfld result.Key
        Stfld url.Key
        Dup
        Ldarg_0
        Ldfld result.Verb
        Stfld url.Verb
        Dup
        Ldarg_0
        Ldfld result.Url
        Stfld url.Url
        Dup
        Ldarg_0
        Ldfld result.ExpiresAt
        Stfld url.ExpiresAt
        Dup
        Ldarg_0
        Ldfld result.EffectiveExpiresAt
        Stfld url.EffectiveExpiresAt
        Dup
        Ldarg_0
        Ldfld result.CredentialsExpireAt
        Stfld url.CredentialExpiresAt
        Dup
        Ldarg_0
        Ldfld result.SignedAt
        Stfld url.SignedAt
        Dup
        Ldarg_0
        Ldfld result.ExpiresInSeconds
        Stfld url.ExpiresInSeconds
        Dup
        Ldarg_0
        Ldfld result.Region
        Stfld url.Region
        Dup
        Ldarg_0
        Ldfld result.VersionId
        Stfld url.VersionId
        Dup
        Ldarg_0
        Ldfld result.ContentType
        Stfld url.ContentType
        Dup
        Ldarg_0
        Ldfld result.Curl
        Stfld url.Curl
        Dup
        Ldarg_0
        Ldfld result.InvokeWebRequest
        Stfld url.InvokeWebRequest
        Dup
        Ldstr empty
        Stfld url.Headers
        Ret
'@

    # static int ToOutput(BatchResult[] results, int start, long line, long sent, bool asString, object[] output):
    # from results[start] on, while each is a plain URL result ("url", no warning, no header) for the
    # next line (line, line + 1, ... up to sent), puts its PresignedUrl (or its URL) in output[0], [1], ...
    # and returns how many. Everything else is left to the script, which checks it as the protocol says.
    $il = $result.DefineMethod('ToOutput', $staticAttributes, [int],
        [type[]]@($result.MakeArrayType(), [int], [long], [long], [bool], [object[]])).GetILGenerator()
    $operands['i'] = $il.DeclareLocal([int])
    $operands['n'] = $il.DeclareLocal([int])
    $operands['r'] = $il.DeclareLocal($result)
    foreach ($label in 'loop', 'done', 'noWarnings', 'noHeaders', 'asObject', 'store') { $operands[$label] = $il.DefineLabel() }
    $operands['argOutput'] = [byte]5
    $operands['argAsString'] = [byte]4
    $operands['argLine'] = [byte]2
    Write-S3PreSignIL $il $operands @'
        Ldarg_1                       # i = start; n = 0
        Stloc i
        Ldc_I4_0
        Stloc n
    loop:
        Ldloc i                       # if (i >= results.Length) break
        Ldarg_0
        Ldlen
        Conv_I4
        Bge done
        Ldarg_0                       # r = results[i]; if (r == null) break
        Ldloc i
        Ldelem_Ref
        Stloc r
        Ldloc r
        Brfalse done
        Ldarg_2                       # if (line > sent) break
        Ldarg_3
        Bgt done
        Ldloc r                       # if (r.Line != line) break
        Ldfld result.Line
        Ldarg_2
        Bne_Un done
        Ldloc r                       # if (r.Type != "url") break
        Ldfld result.Type
        Ldstr url
        Call stringEquals
        Brfalse done
        Ldloc r                       # if (r.Warnings != null && r.Warnings.Length != 0) break
        Ldfld result.Warnings
        Brfalse noWarnings
        Ldloc r
        Ldfld result.Warnings
        Ldlen
        Brtrue done
    noWarnings:
        Ldloc r                       # if (r.Headers != null && r.Headers.Count != 0) break
        Ldfld result.Headers
        Brfalse noHeaders
        Ldloc r
        Ldfld result.Headers
        Callvirt headerCount
        Brtrue done
    noHeaders:
        Ldarg_S argOutput             # output[n] = asString ? r.Url : r.ToPresignedUrl()
        Ldloc n
        Ldarg_S argAsString
        Brfalse asObject
        Ldloc r
        Ldfld result.Url
        Br store
    asObject:
        Ldloc r
        Call toPresignedUrl
    store:
        Stelem_Ref
        Ldloc n                       # n++; i++; line++
        Ldc_I4_1
        Add
        Stloc n
        Ldloc i
        Ldc_I4_1
        Add
        Stloc i
        Ldarg_2
        Ldc_I4_1
        Conv_I8
        Add
        Starg_S argLine
        Br loop
    done:
        Ldloc n
        Ret
'@

    # static int ToJsonArray(byte[] lines, int length, byte[] json): json = "[" + the first length bytes
    # of lines, each line end (\n) made a comma + "]", for one System.Text.Json call per chunk of result
    # lines. Returns its length; lines is left as it is. (Array.IndexOf<byte> is vectorized.)
    $il = $result.DefineMethod('ToJsonArray', $staticAttributes, [int], [type[]]@([byte[]], [int], [byte[]])).GetILGenerator()
    $operands['at'] = $il.DeclareLocal([int])
    foreach ($label in 'loop', 'done') { $operands[$label] = $il.DefineLabel() }
    Write-S3PreSignIL $il $operands @'
        Ldarg_2                       # json[0] = '['
        Ldc_I4_0
        Ldc_I4 91
        Stelem_I1
        Ldarg_0                       # Buffer.BlockCopy(lines, 0, json, 1, length)
        Ldc_I4_0
        Ldarg_2
        Ldc_I4_1
        Ldarg_1
        Call blockCopy
        Ldc_I4_1                      # at = 1
        Stloc at
    loop:
        Ldarg_2                       # at = Array.IndexOf(json, (byte)'\n', at, length + 1 - at)
        Ldc_I4 10
        Ldloc at
        Ldarg_1
        Ldc_I4_1
        Add
        Ldloc at
        Sub
        Call indexOfByte
        Stloc at
        Ldloc at                      # if (at < 0) break
        Ldc_I4_0
        Blt done
        Ldarg_2                       # json[at] = ','
        Ldloc at
        Ldc_I4 44
        Stelem_I1
        Br loop
    done:
        Ldarg_2                       # json[length + 1] = ']'; return length + 2
        Ldarg_1
        Ldc_I4_1
        Add
        Ldc_I4 93
        Stelem_I1
        Ldarg_1
        Ldc_I4_2
        Add
        Ret
'@

    $null = $url.CreateType()
    $resultType = $result.CreateType()
    $options = [System.Text.Json.JsonSerializerOptions]::new()
    $options.IncludeFields = $true
    $types = @{ Result = $resultType; ResultArray = $resultType.MakeArrayType(); JsonOptions = $options }
    [System.AppDomain]::CurrentDomain.SetData($S3PreSignTypesSlot, $types)
    , $types
}

function Get-S3PreSignStderr {
    # The child's standard error, with the secrets it was given masked, should it ever quote one.
    param([hashtable]$Batch)
    if (-not $Batch.StderrTask.Wait(5000)) { return '' }
    $text = $Batch.StderrTask.Result.Trim()
    foreach ($secret in $Batch.Secrets) { $text = $text.Replace($secret, '***') }
    $text
}

function Stop-S3PreSignBatch {
    # The child ended without answering everything, or with an exit code no result explains.
    param([hashtable]$Batch, [string]$What)
    $process = $Batch.Process
    if (-not $process.WaitForExit(5000)) { $process.Kill($true); $process.WaitForExit() }
    $stderr = Get-S3PreSignStderr $Batch
    if (-not $stderr) { $stderr = '(nothing on standard error)' }
    $Batch.Cmdlet.ThrowTerminatingError((New-S3PreSignError 'ProcessFailed' "s3presign $What (exit code $($process.ExitCode)): $stderr" $null))
}

function Stop-S3PreSignProtocol {
    # (Messages name lines, never quote whole results: a result's URL may hold a session token.)
    param([hashtable]$Batch, [string]$What)
    $Batch.Cmdlet.ThrowTerminatingError((New-S3PreSignError 'ProtocolError' "s3presign does not speak protocol 1 as this module expects: it wrote $What" $null))
}

function Stop-S3PreSignWriting {
    # Writing a request failed: the child is gone (e.g. a setup failure). Its own last words explain why
    # better than EPIPE: emit what it answered, then fail with its standard error.
    param([hashtable]$Batch, [System.Management.Automation.ErrorRecord]$Failure)
    Receive-S3PreSignResult $Batch 2 0
    Stop-S3PreSignBatch $Batch "stopped reading requests ($($Failure.Exception.Message))"
}

function Receive-S3PreSignResult {
    # Reads result lines and emits them, for Get-S3PreSignedURL, whose state is in $Batch (Sent and
    # Written must be current; Answered and ReadTask are updated here). $WaitFor says how long to go on:
    #   0: only what has already arrived (never blocks);
    #   1: also wait until $Needed more request bytes fit under MaxUnanswered (or none is unanswered);
    #   2: until the child's stdout ends (after stdin was closed, or the child died);
    #   3: until every request sent so far is answered.
    # The caller flushes stdin before waiting: waiting for answers to requests still in the buffer would hang.
    # Called once per chunk of results (whatever one read brought): the per-result work is in ToOutput.
    param([hashtable]$Batch, [int]$WaitFor, [int]$Needed)
    $readTask = $Batch.ReadTask
    $answered = $Batch.Answered
    $sent = $Batch.Sent
    $ends = $Batch.Ends
    $mask = $Batch.Mask
    $resultType = $Batch.ResultType
    $output = $Batch.Output
    try {
        while (-not $Batch.Eof) {
            if (-not $readTask.IsCompleted) {
                if ($WaitFor -eq 0) { break }
                if ($answered -eq $sent) { if ($WaitFor -ne 2) { break } }
                elseif ($WaitFor -eq 1 -and $Batch.Written - $ends[$answered -band $mask] + $Needed -le $Batch.MaxUnanswered) { break }
                while (-not $readTask.Wait(200)) { }   # short waits let Ctrl+C stop the pipeline
            }
            # $buffer holds the start of a line that came earlier ($Batch.Kept bytes), then what was just read.
            $count = $readTask.Result
            $buffer = $Batch.Buffer
            $end = $Batch.Kept + $count
            if ($count -eq 0) {
                $Batch.Eof = $true
                $last = $end   # a last line without a line end is a line too
            } else {
                $last = [Array]::LastIndexOf[byte]($buffer, 10, $end - 1, $count)
                if ($last -lt 0) {
                    # No line end yet: keep it all, with room to read on (a line may be longer than a read).
                    if ($buffer.Length - $end -lt 16KB) {
                        $grown = [byte[]]::new(2 * $buffer.Length)
                        [Array]::Copy($buffer, $grown, $end)
                        $buffer = $grown
                        $Batch.Buffer = $grown
                    }
                    $Batch.Kept = $end
                    $readTask = $Batch.Stdout.ReadAsync($buffer, $end, $buffer.Length - $end)
                    $Batch.ReadTask = $readTask
                    continue
                }
            }

            if ($last -gt 0) {
                # The complete lines as one JSON array, parsed in one call. If that fails, line by line, to
                # emit what precedes the line that is not a result.
                if ($Batch.Json.Length -lt $last + 2) { $Batch.Json = [byte[]]::new(2 * $buffer.Length + 2) }
                $results = $null
                try {
                    $json = [System.IO.MemoryStream]::new($Batch.Json, 0, $resultType::ToJsonArray($buffer, $last, $Batch.Json), $false)
                    $results = [System.Text.Json.JsonSerializer]::Deserialize($json, $Batch.ResultArrayType, $Batch.JsonOptions)
                } catch { $results = $null }
                $bad = $null
                if ($null -eq $results) {
                    $results = [System.Collections.Generic.List[object]]::new()
                    foreach ($line in [System.Text.Encoding]::UTF8.GetString($buffer, 0, $last).Split([char]10)) {
                        $one = $null
                        try { $one = [System.Text.Json.JsonSerializer]::Deserialize($line, $Batch.ResultType, $Batch.JsonOptions) } catch { $one = $null }
                        if ($null -eq $one -or -not $one.Type) { $bad = $line; break }
                        $results.Add($one)
                    }
                    $results = $results.ToArray()
                }
                if ($output.Length -lt $results.Length) { $output = [object[]]::new(2 * $results.Length); $Batch.Output = $output }
                $i = 0
                while ($i -lt $results.Length) {
                    # Plain URL results, as many as come in a row, in one call and one WriteObject.
                    $n = $resultType::ToOutput($results, $i, $answered + 1, $sent, $Batch.AsString, $output)
                    if ($n) {
                        if ($null -ne $Batch.Parts -and -not $Batch.AsString) {
                            # An upload's URLs: which upload and part each is for (results do not say).
                            for ($j = 0; $j -lt $n; $j++) {
                                $output[$j].UploadId = $Batch.UploadId
                                $output[$j].PartNumber = $Batch.Parts[($answered + 1 + $j) -band $mask]
                            }
                        }
                        $answered += $n
                        $i += $n
                        $Batch.Answered = $answered
                        $Batch.Cmdlet.WriteObject([System.ArraySegment[object]]::new($output, 0, $n), $true)
                        if ($i -eq $results.Length) { break }
                    }
                    # Anything else, checked as the protocol says.
                    $r = $results[$i]
                    $i++
                    if ($null -eq $r -or -not $r.Type) {
                        $bad = [System.Text.Encoding]::UTF8.GetString($buffer, 0, $last).Split([char]10)[$i - 1]
                        break
                    }
                    if ($r.Type -eq 'fatal') {
                        # Setup failure: nothing can be signed. The program's message already names -Region etc.; an
                        # SSE-C key it could not use is named as the caller gave it.
                        $message = $r.Message.Replace('the environment variable S3PRESIGN_SSE_CUSTOMER_KEY', '-ServerSideEncryptionCustomerProvidedKey')
                        foreach ($secret in $Batch.Secrets) { $message = $message.Replace($secret, '***') }
                        $Batch.Cmdlet.ThrowTerminatingError((New-S3PreSignError $r.Code $message $null))
                    }
                    if ($answered -ge $sent) { Stop-S3PreSignProtocol $Batch "an answer (line $($r.Line)) to a request that was not sent" }
                    $answered++
                    $Batch.Answered = $answered
                    if ($r.Line -ne $answered) { Stop-S3PreSignProtocol $Batch "line $($r.Line) where line $answered was expected" }
                    if ($r.Type -eq 'error') {
                        $message = $r.Message
                        foreach ($secret in $Batch.Secrets) { $message = $message.Replace($secret, '***') }
                        $Batch.Cmdlet.WriteError((New-S3PreSignError $r.Code $message $Batch.Targets[$answered -band $mask]))
                        continue
                    }
                    if ($r.Type -ne 'url') { Stop-S3PreSignProtocol $Batch "a result of unknown type '$($r.Type)' (line $($r.Line))" }
                    # Each distinct warning once per pipeline: a run-wide warning would otherwise repeat for every URL.
                    if ($r.Warnings) { foreach ($warning in $r.Warnings) { if ($Batch.Warned.Add($warning)) { $Batch.Cmdlet.WriteWarning($warning) } } }
                    if ($Batch.AsString) { $Batch.Cmdlet.WriteObject($r.Url); continue }
                    $url = $r.ToPresignedUrl()
                    if ($null -ne $Batch.Parts) { $url.UploadId = $Batch.UploadId; $url.PartNumber = $Batch.Parts[$answered -band $mask] }
                    # "Name: value", one per line: flat for Export-Csv, unambiguous even if a value has ';'.
                    if ($r.Headers -and $r.Headers.Count) {
                        $url.Headers = @(foreach ($header in $r.Headers.GetEnumerator()) { $header.Key + ': ' + $header.Value }) -join "`n"
                    }
                    $Batch.Cmdlet.WriteObject($url)
                }
                if ($null -ne $bad) {
                    Stop-S3PreSignProtocol $Batch "a line that is not a result: $($bad.Substring(0, [Math]::Min(100, $bad.Length)))"
                }
            }
            if ($Batch.Eof) {
                if ($answered -lt $sent) { Stop-S3PreSignBatch $Batch "stopped before answering $($sent - $answered) request(s)" }
            } else {
                # Keep what follows the last line end, and read on.
                $Batch.Kept = $end - $last - 1
                if ($Batch.Kept) { [System.Buffer]::BlockCopy($buffer, $last + 1, $buffer, 0, $Batch.Kept) }
                $readTask = $Batch.Stdout.ReadAsync($buffer, $Batch.Kept, $buffer.Length - $Batch.Kept)
                $Batch.ReadTask = $readTask
            }
        }
    } finally {
        $Batch.Answered = $answered
    }
}

function Send-S3PreSignPart {
    # Get-S3PreSignedURL's process block in an upload's pipeline: writes one request line per key and part
    # number, as the process block does for keys, and remembers each line's part for its result. $Batch has
    # the state (Sent and Written current); Flushed says whether stdin was flushed.
    param([hashtable]$Batch, [object]$Keys, [string]$Fields, [object]$Target, [object]$PartNumber)
    $partList = $Batch.FixedParts
    if ($null -eq $partList) {
        # What the pipeline gave (see the parameter): a number or text is the part number when -Key is on the
        # command line, and a number is one with -UploadId too (the key must then come from -Key: without it,
        # s3presign reports missing_key). An object gives its PartNumber property.
        if ($PartNumber -is [string] -or $PartNumber -is [ValueType]) {
            if ($Batch.KeyGiven) { $partList = ConvertTo-S3PreSignPart $PartNumber }
            elseif ($PartNumber -isnot [string] -and $Batch.UploadId) { $partList = ConvertTo-S3PreSignPart $PartNumber; $Keys = '' }
        } elseif ($null -ne $PartNumber) {
            $partProperty = $PartNumber.PSObject.Properties['PartNumber']
            if ($partProperty -and $null -ne $partProperty.Value) { $partList = ConvertTo-S3PreSignPart $partProperty.Value }
        }
    }
    $heads = $Batch.PlainHeads   # (not `$heads = if ...`: that would make a one-item array its item)
    if ($null -ne $partList) { $heads = $partList.Heads }
    $mask = $Batch.Mask
    $Batch.Flushed = $false
    foreach ($k in $Keys) {
        $tail = [System.Text.Json.JsonEncodedText]::Encode($k).ToString() + $Fields
        for ($j = 0; $j -lt $heads.Length; $j++) {
            $request = $heads[$j] + $tail
            $bytes = $request.Length + 1
            if ($Batch.Written - $Batch.Ends[$Batch.Answered -band $mask] + $bytes -gt $Batch.MaxUnanswered -and $Batch.Answered -lt $Batch.Sent) {
                try { $Batch.Stdin.Flush() } catch { Stop-S3PreSignWriting $Batch $_ }
                $Batch.Flushed = $true
                Receive-S3PreSignResult $Batch 1 $bytes
            }
            try { $Batch.Stdin.WriteLine($request) } catch { Stop-S3PreSignWriting $Batch $_ }
            $sent = ++$Batch.Sent
            $Batch.Written += $bytes
            $Batch.Ends[$sent -band $mask] = $Batch.Written
            # Without piped input, an error points at the part number (or the key, for a line without one).
            $Batch.Targets[$sent -band $mask] = if ($null -ne $Target) { $Target } elseif ($null -ne $partList) { $partList.Values[$j] } else { $k }
            $Batch.Parts[$sent -band $mask] = if ($null -ne $partList) { $partList.Numbers[$j] }
        }
    }
}

function Format-S3PreSignInstant {
    # RFC 3339 UTC to the second; Local and Unspecified times are taken as local time.
    param([datetime]$Value)
    if ($Value.Kind -ne [System.DateTimeKind]::Utc) { $Value = $Value.ToUniversalTime() }
    $Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [System.Globalization.CultureInfo]::InvariantCulture)
}

function Add-S3PreSignSession {
    # For every command of the module: appends the session flags (profile, region, endpoint, signing time...)
    # from the caller's bound parameters, and puts explicit keys and an SSE-C key in the child's environment: never on its
    # command line (visible to `ps`). Values go as --flag=value, so one that starts with '-' is no flag.
    param([System.Collections.Generic.List[string]]$Arguments, [System.Diagnostics.ProcessStartInfo]$StartInfo,
        [System.Collections.IDictionary]$Bound, [System.Management.Automation.PSCmdlet]$Cmdlet)
    if ($Bound['ProfileName']) { $Arguments.Add('--profile=' + $Bound['ProfileName']) }
    if ($Bound['ProfileLocation']) { $Arguments.Add('--credentials-file=' + $Cmdlet.GetUnresolvedProviderPathFromPSPath($Bound['ProfileLocation'])) }
    if ($Bound['Region']) { $Arguments.Add('--region=' + $Bound['Region']) }
    if ($Bound['EndpointUrl']) { $Arguments.Add('--endpoint-url=' + $Bound['EndpointUrl']) }
    if ($Bound['ForcePathStyle']) { $Arguments.Add('--path-style') }
    if ($Bound['UseAccelerateEndpoint']) { $Arguments.Add('--accelerate') }
    if ($Bound['UseDualstackEndpoint']) { $Arguments.Add('--dualstack') }
    if ($Bound['Protocol'] -eq 'HTTP') { $Arguments.Add('--http') }
    if ($Bound.ContainsKey('StartTime')) { $Arguments.Add('--start-time=' + (Format-S3PreSignInstant $Bound['StartTime'])) }
    if ($Bound['StrictExpiry']) { $Arguments.Add('--strict-expiry') }
    if ($Bound['AccessKey']) {
        # Explicit keys replace whatever the environment would have chosen, including an inherited
        # profile or session token (a token of other keys would spoil the signature).
        $StartInfo.Environment['AWS_ACCESS_KEY_ID'] = $Bound['AccessKey']
        $StartInfo.Environment['AWS_SECRET_ACCESS_KEY'] = $Bound['SecretKey']
        if ($Bound['SessionToken']) { $StartInfo.Environment['AWS_SESSION_TOKEN'] = $Bound['SessionToken'] }
        else { [void]$StartInfo.Environment.Remove('AWS_SESSION_TOKEN') }
        [void]$StartInfo.Environment.Remove('AWS_SECURITY_TOKEN')
        [void]$StartInfo.Environment.Remove('AWS_PROFILE')
    }
    if ($Bound['ServerSideEncryptionCustomerProvidedKey']) {
        # SSE-C: s3presign reads the key from the variable named here, which only the child's environment has.
        $StartInfo.Environment['S3PRESIGN_SSE_CUSTOMER_KEY'] = $Bound['ServerSideEncryptionCustomerProvidedKey']
        $Arguments.AddRange([string[]]('--sse-customer-key', 'env:S3PRESIGN_SSE_CUSTOMER_KEY'))
        if ($Bound['ServerSideEncryptionCustomerProvidedKeyMD5']) { $Arguments.Add('--sse-customer-key-md5=' + $Bound['ServerSideEncryptionCustomerProvidedKeyMD5']) }
    }
}

function ConvertTo-S3PreSignPart {
    # Part numbers (one value or a list) as Get-S3PreSignedURL's request line heads: Heads[i] starts the line
    # for Values[i], Numbers[i] is its number for the result (or $null). Whole numbers go as JSON numbers,
    # anything else as text, for s3presign to judge: it reports what is not a part number 1-10000 as that
    # line's invalid_multipart error, as it would any other bad input.
    param([object]$Value)
    $values = [object[]]@(foreach ($item in $Value) { $item })
    if ($values.Length -eq 0) { $values = [object[]]@($null) }
    $heads = [string[]]::new($values.Length)
    $numbers = [object[]]::new($values.Length)
    $number = 0
    for ($i = 0; $i -lt $values.Length; $i++) {
        $item = $values[$i]
        $heads[$i] = if ($item -is [int] -or $item -is [long]) { '{"part_number":' + $item + ',"key":"' }
        elseif ($null -eq $item) { '{"part_number":null,"key":"' }
        else { '{"part_number":"' + [System.Text.Json.JsonEncodedText]::Encode([string]$item).ToString() + '","key":"' }
        if ([int]::TryParse([string]$item, [System.Globalization.NumberStyles]::Integer, [cultureinfo]::InvariantCulture, [ref]$number)) {
            $numbers[$i] = $number
        }
    }
    @{ Heads = $heads; Numbers = $numbers; Values = $values }
}

function Resolve-S3PreSignBinary {
    # $env:S3PRESIGN_BIN, then the copy shipped in module/bin/<os>-<arch>/, then PATH.
    # (.NET calls rather than Test-Path and Join-Path: a cmdlet's first use costs a fresh session ~0.15 s.)
    param([System.Management.Automation.PSCmdlet]$Cmdlet)
    $configured = [System.Environment]::GetEnvironmentVariable('S3PRESIGN_BIN')
    if ($configured) {
        $path = $Cmdlet.GetUnresolvedProviderPathFromPSPath($configured)
        if ([System.IO.File]::Exists($path)) { return $path }
        $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'BinaryNotFound' (
                    "`$env:S3PRESIGN_BIN is set to '$configured', but there is no file there. " +
                    'Point it at a built s3presign program (cargo build --release; target/release/s3presign) or remove it ' +
                    'to use the copy in the module or on PATH.') $configured))
    }
    $os = if ($IsWindows) { 'windows' } elseif ($IsMacOS) { 'macos' } else { 'linux' }
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
    $exe = if ($IsWindows) { 's3presign.exe' } else { 's3presign' }
    $bundled = [System.IO.Path]::Combine($PSScriptRoot, 'bin', "$os-$arch", $exe)
    if ([System.IO.File]::Exists($bundled)) { return $bundled }
    $command = Get-Command -Name s3presign -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($command) { return $command.Source }
    $Cmdlet.ThrowTerminatingError((New-S3PreSignError 'BinaryNotFound' (
                "The s3presign program was not found. Build it from the s3presign sources with 'cargo build --release', " +
                "then either set `$env:S3PRESIGN_BIN to the built file (target/release/$exe), copy it to '$bundled', " +
                'or install it on PATH (cargo install --path .).') $null))
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
    ContentType, Headers, UploadId, PartNumber, Curl, InvokeWebRequest); all times are UTC.
    EffectiveExpiresAt is when the URL really stops working: the earlier of ExpiresAt and the expiry of
    temporary credentials. Headers lists the headers the client must send because they are signed, one
    "Name: value" per line; when there are any, Curl and InvokeWebRequest hold ready-to-run commands that
    send them (LOCAL_FILE stands for the file to upload), otherwise they are empty. -AsString emits only
    the URLs.

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

    .PARAMETER ResponseContentDisposition
    GET: the Content-Disposition S3 answers with, e.g. 'attachment; filename="report.pdf"' (download as).
    Signed into the URL. Alias: ResponseHeaderOverrides_ContentDisposition.

    .PARAMETER ResponseContentType
    GET: the Content-Type S3 answers with. Alias: ResponseHeaderOverrides_ContentType.

    .PARAMETER ResponseCacheControl
    GET: the Cache-Control S3 answers with. Alias: ResponseHeaderOverrides_CacheControl.

    .PARAMETER ResponseContentLanguage
    GET: the Content-Language S3 answers with. Alias: ResponseHeaderOverrides_ContentLanguage.

    .PARAMETER ResponseContentEncoding
    GET: the Content-Encoding S3 answers with. Alias: ResponseHeaderOverrides_ContentEncoding.

    .PARAMETER ResponseExpires
    GET: the Expires header S3 answers with. Alias: ResponseHeaderOverrides_Expires.

    .PARAMETER UploadId
    A multipart upload (from `s3presign multipart create`): with -Verb PUT and -PartNumber, a URL for
    each part; with -Verb POST, a URL to complete the upload; with -Verb DELETE, to abort it. Every URL
    has it as its UploadId property.

    .PARAMETER PartNumber
    The part(s) to upload, 1-10000, with -UploadId and -Verb PUT: one URL per number, in order, each with
    its PartNumber property, all from one s3presign process (-PartNumber (1..40)). Part numbers can also
    be piped: numbers (1..40 | Get-S3PreSignedURL -Key big.iso -UploadId $id ...) when -Key is given, or
    objects with a PartNumber property (CSV rows) with -UploadId. Without -UploadId and -Key, piped
    numbers are keys. A number S3 cannot have (0, 10001, 'x') is a non-terminating
    invalid_multipart error for that part only; the others are still signed.

    .PARAMETER ServerSideEncryption
    PUT: AES256, aws:kms or aws:kms:dsse (x-amz-server-side-encryption). Alias: ServerSideEncryptionMethod.

    .PARAMETER ServerSideEncryptionKeyManagementServiceKeyId
    PUT: the KMS key for -ServerSideEncryption aws:kms.

    .PARAMETER StorageClass
    PUT: the storage class, e.g. STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR.

    .PARAMETER Acl
    PUT: a canned ACL, e.g. bucket-owner-full-control. Alias: CannedACLName.

    .PARAMETER Metadata
    PUT: user metadata; each entry becomes a signed x-amz-meta-NAME header.

    .PARAMETER ContentMD5
    PUT: the base64 MD5 of the body, which S3 then checks.

    .PARAMETER ChecksumSHA256
    PUT: the base64 SHA-256 of the body (x-amz-checksum-sha256), which S3 then checks.

    .PARAMETER RequesterPays
    The requester, not the bucket owner, pays for the request (x-amz-request-payer).

    .PARAMETER ServerSideEncryptionCustomerProvidedKey
    GET, HEAD, PUT (parts too) and POST (completing a multipart upload): SSE-C, server-side encryption with
    your own key, given as the base64 of a 256-bit AES key. The URL signs the three
    x-amz-server-side-encryption-customer-* headers, which the client must send, the key itself among
    them. The key reaches s3presign through its environment only (S3PRESIGN_SSE_CUSTOMER_KEY), never its
    command line, and appears in no output: Headers shows the key header as (redacted), and Curl and
    InvokeWebRequest read the key from $S3PRESIGN_SSE_CUSTOMER_KEY and $env:S3PRESIGN_SSE_CUSTOMER_KEY,
    which whoever runs them must set. Another verb (DELETE) is an option_not_for_verb error.

    .PARAMETER ServerSideEncryptionCustomerMethod
    The SSE-C algorithm: AES256, the only one S3 has (and the default). Only with
    -ServerSideEncryptionCustomerProvidedKey.

    .PARAMETER ServerSideEncryptionCustomerProvidedKeyMD5
    The base64 MD5 of the SSE-C key, which s3presign checks against the key; it computes it when not given.
    Only with -ServerSideEncryptionCustomerProvidedKey.

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

    .EXAMPLE
    $id = s3presign multipart create --bucket uploads --key big.iso --profile prod
    $parts = Get-S3PreSignedURL -Bucket uploads -Key big.iso -Verb PUT -UploadId $id -PartNumber (1..40) -ExpiresIn 12h -ProfileName prod
    $done = Get-S3PreSignedURL -Bucket uploads -Key big.iso -Verb POST -UploadId $id -ExpiresIn 12h -ProfileName prod
    $parts | Select-Object PartNumber, Url | Export-Csv parts.csv -NoTypeInformation

    A multipart upload by someone without credentials: 40 part URLs (each object has its PartNumber and
    UploadId) from one s3presign process, and the URL to which the uploader POSTs the list of parts and
    their ETags. The same with a pipeline: 1..40 | Get-S3PreSignedURL -Bucket uploads -Key big.iso -Verb PUT
    -UploadId $id. Parts other than the last must be at least 5 MiB.

    .EXAMPLE
    $upload = Get-S3PreSignedURL -Bucket uploads -Key in/data.csv -Verb PUT -ContentType text/csv -Metadata @{ owner = 'ops' }
    $upload.Curl
    Invoke-Expression $upload.InvokeWebRequest.Replace('LOCAL_FILE', "'./data.csv'")

    An upload URL with signed headers, and the commands that send them: Curl to hand to someone with a
    shell, InvokeWebRequest to run here, after putting the file's path in place of LOCAL_FILE.

    .EXAMPLE
    $key = [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32))
    $put = Get-S3PreSignedURL -Bucket vault -Key backup.tar -Verb PUT -ServerSideEncryptionCustomerProvidedKey $key -ExpiresIn 1h
    $get = Get-S3PreSignedURL -Bucket vault -Key backup.tar -ServerSideEncryptionCustomerProvidedKey $key -ExpiresIn 1h
    $env:S3PRESIGN_SSE_CUSTOMER_KEY = $key
    Invoke-Expression $put.InvokeWebRequest.Replace('LOCAL_FILE', "'./backup.tar'")

    SSE-C: S3 encrypts the object with your key and keeps only a hash of it, so the same key is needed to
    read it back. The URLs are useless without the key, which travels apart from them: the commands in
    InvokeWebRequest and Curl take it from the environment variable S3PRESIGN_SSE_CUSTOMER_KEY. Keep the
    key: S3 cannot recover an object whose key is lost.

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

        # [object]: the process block decides what a value means, as the parameter binder would by
        # property name. A [string[]] parameter would take -Key a,b as two keys too, but PowerShell would
        # turn a piped object without a Key property into the key "@{Bucket=...; Name=...}".
        [Parameter(Position = 1, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [object]$Key,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string]$VersionId,

        [Alias('Expire')]
        [datetime]$Expires,

        # [object]: a TimeSpan, seconds, or a duration string. `-ExpiresIn 7d` arrives as the decimal 7
        # (PowerShell's d suffix); casting the argument to [string] recovers the typed text "7d".
        [object]$ExpiresIn,

        [ValidateSet('GET', 'PUT', 'HEAD', 'DELETE', 'POST')]
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

        # GET: the response headers S3 answers with (signed into the URL).
        [Alias('ResponseHeaderOverrides_ContentDisposition')]
        [string]$ResponseContentDisposition,
        [Alias('ResponseHeaderOverrides_ContentType')]
        [string]$ResponseContentType,
        [Alias('ResponseHeaderOverrides_CacheControl')]
        [string]$ResponseCacheControl,
        [Alias('ResponseHeaderOverrides_ContentLanguage')]
        [string]$ResponseContentLanguage,
        [Alias('ResponseHeaderOverrides_ContentEncoding')]
        [string]$ResponseContentEncoding,
        [Alias('ResponseHeaderOverrides_Expires')]
        [string]$ResponseExpires,

        # Multipart uploads: with -Verb PUT and -PartNumber a part; POST completes, DELETE aborts.
        [string]$UploadId,

        # Part numbers: one URL per number. [object], not [int[]], for the same reason as -Key, and for speed:
        # with ValueFromPipeline, PowerShell tries to convert every piped object to the parameter's type, and
        # a failed conversion to [int[]] (a Get-S3Object result, a key string) costs ~20 us per object, in
        # every pipeline. As [object] it takes anything for free; the process block decides what it means
        # (only in an upload's pipeline), and s3presign reports numbers it cannot use (invalid_multipart).
        [Parameter(ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [object]$PartNumber,

        # PUT: signed headers the uploader must send (listed in the result's Headers).
        [Alias('ServerSideEncryptionMethod')]
        [ValidateSet('AES256', 'aws:kms', 'aws:kms:dsse')]
        [string]$ServerSideEncryption,
        [string]$ServerSideEncryptionKeyManagementServiceKeyId,
        [string]$StorageClass,
        [Alias('CannedACLName')]
        [string]$Acl,
        [hashtable]$Metadata,
        [string]$ContentMD5,
        [string]$ChecksumSHA256,
        [switch]$RequesterPays,

        # SSE-C: the caller's own AES-256 key (base64). It reaches s3presign only through its environment, like
        # -SecretKey.
        [ValidateNotNullOrEmpty()]
        [string]$ServerSideEncryptionCustomerProvidedKey,
        [ValidateSet('AES256')]
        [string]$ServerSideEncryptionCustomerMethod,
        [ValidateNotNullOrEmpty()]
        [string]$ServerSideEncryptionCustomerProvidedKeyMD5,

        [switch]$StrictExpiry,

        [datetime]$StartTime,

        [switch]$AsString
    )


    begin {
        # The module's scope may run in strict mode, where $object.Key throws for an object without one (see
        # the process block); this function's scope does not.
        Set-StrictMode -Off
        $proc = $null
        if ($PSBoundParameters.ContainsKey('Expires') -and $PSBoundParameters.ContainsKey('ExpiresIn')) {
            $PSCmdlet.ThrowTerminatingError((New-S3PreSignError 'conflicting_expiry' 'Give either -Expires (an instant) or -ExpiresIn (a lifetime), not both.' $null))
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
                $PSCmdlet.ThrowTerminatingError((New-S3PreSignError 'invalid_expiry' "-ExpiresIn got the decimal number $($ExpiresIn): in a PowerShell expression 7d means the decimal 7, not 7 days. Quote durations ('7d'), or give a TimeSpan or whole seconds." $ExpiresIn))
            } elseif ($ExpiresIn -is [string] -or $ExpiresIn -is [ValueType]) {
                [string]$ExpiresIn   # keeps "7d" as typed (see the parameter)
            } else {
                $PSCmdlet.ThrowTerminatingError((New-S3PreSignError 'invalid_expiry' "-ExpiresIn takes a TimeSpan, a number of seconds or a duration such as 12h or 7d, not a $($ExpiresIn.GetType().Name)." $ExpiresIn))
            }
            $arguments.AddRange([string[]]('--expires-in', $lifetime))
        }
        if ($ContentType) { $arguments.AddRange([string[]]('--content-type', $ContentType)) }
        # Run-wide request options, as flags: `--name=value` keeps values that start with '-'.
        foreach ($option in @(
                @('ResponseContentDisposition', 'response-content-disposition'), @('ResponseContentType', 'response-content-type'),
                @('ResponseCacheControl', 'response-cache-control'), @('ResponseContentLanguage', 'response-content-language'),
                @('ResponseContentEncoding', 'response-content-encoding'), @('ResponseExpires', 'response-expires'),
                @('UploadId', 'upload-id'), @('ServerSideEncryption', 'sse'),
                @('ServerSideEncryptionKeyManagementServiceKeyId', 'sse-kms-key-id'), @('StorageClass', 'storage-class'),
                @('Acl', 'acl'), @('ContentMD5', 'content-md5'), @('ChecksumSHA256', 'checksum-sha256'))) {
            if ($PSBoundParameters.ContainsKey($option[0])) { $arguments.Add("--$($option[1])=$($PSBoundParameters[$option[0]])") }
        }
        if ($Metadata) { foreach ($entry in $Metadata.GetEnumerator()) { $arguments.Add("--metadata=$($entry.Key)=$($entry.Value)") } }
        if ($RequesterPays) { $arguments.Add('--requester-pays') }
        # (The SSE-C key itself is passed by Add-S3PreSignSession.)
        if (-not $ServerSideEncryptionCustomerProvidedKey -and ($ServerSideEncryptionCustomerMethod -or $ServerSideEncryptionCustomerProvidedKeyMD5)) {
            $PSCmdlet.ThrowTerminatingError((New-S3PreSignError 'MissingCustomerKey' (
                        '-ServerSideEncryptionCustomerMethod and -ServerSideEncryptionCustomerProvidedKeyMD5 go with ' +
                        '-ServerSideEncryptionCustomerProvidedKey, the base64 of the 256-bit key: give it too.') $null))
        }

        # Part numbers go on the request lines, one line (and URL) per number. From the command line they
        # serve every item; else, in an upload's pipeline, Send-S3PreSignPart reads them from each item.
        $keyGiven = $PSBoundParameters.ContainsKey('Key')
        $expectingInput = $PSCmdlet.MyInvocation.ExpectingInput
        $fixedParts = if ($PSBoundParameters.ContainsKey('PartNumber')) { ConvertTo-S3PreSignPart $PartNumber }
        $partMode = $null -ne $fixedParts -or [bool]$UploadId -or ($keyGiven -and $expectingInput)
        $plainHeads = [string[]]@('{"key":"')   # a line without a part number

        $psi = [System.Diagnostics.ProcessStartInfo]::new($binary)
        Add-S3PreSignSession $arguments $psi $PSBoundParameters $PSCmdlet
        foreach ($argument in $arguments) { $psi.ArgumentList.Add($argument) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $utf8 = [System.Text.UTF8Encoding]::new($false)   # no BOM: it would corrupt the first request line
        $psi.StandardInputEncoding = $utf8
        $psi.StandardErrorEncoding = $utf8

        $PSCmdlet.WriteVerbose('Starting ' + $binary + ' ' + [string]::Join(' ', $arguments))   # no secrets: those are in the environment
        $proc = [System.Diagnostics.Process]::new()
        $proc.StartInfo = $psi
        try { [void]$proc.Start() }
        catch {
            $PSCmdlet.ThrowTerminatingError((New-S3PreSignError 'BinaryNotStarted' "Could not start '$binary': $($_.Exception.GetBaseException().Message)" $binary))
        }
        $stdin = $proc.StandardInput
        $stdin.AutoFlush = $false   # flushed in batches: see the process block
        $stdin.NewLine = "`n"
        $stdout = $proc.StandardOutput.BaseStream   # read in chunks of whatever has arrived
        $buffer = [byte[]]::new(64KB)
        $readTask = $stdout.ReadAsync($buffer, 0, $buffer.Length)   # always exactly one pending read

        # While the child starts: the result types, emitted on first use.
        $types = Get-S3PreSignTypes

        # Request bytes that may be written but not yet answered. Kept at or below the OS pipe buffer
        # (Linux 64 KiB, macOS 16 KiB, Windows ~4 KiB) so a write to the child's stdin never blocks: the
        # child only stops reading stdin when its stdout is full, which can only happen while we are not
        # reading, and we stop writing (and wait for results instead) before that point. No threads needed.
        $maxUnanswered = if ($IsWindows) { 4KB } elseif ($IsMacOS) { 16KB } else { 32KB }
        # For line n (1-based) sent so far: $ends[n & $mask] = request bytes written up to its end, and
        # $targets[n & $mask] = what its error record points at. A line has at least 11 bytes, so fewer
        # than 32 KiB / 11 < 8192 lines are ever unanswered: the rings never overwrite one still needed.
        # In an upload's pipeline $parts[n & $mask] is the part number line n asked for (results do not say).
        $mask = 8191
        $ends = [long[]]::new($mask + 1)
        $targets = [object[]]::new($mask + 1)
        $parts = $null
        if ($partMode) { $parts = [object[]]::new($mask + 1) }

        # What Receive-S3PreSignResult needs. The process block keeps its own counters in local variables
        # (much faster) and copies them here and back around each call.
        $batch = @{
            Cmdlet = $PSCmdlet; Process = $proc; Stdout = $stdout; StderrTask = $proc.StandardError.ReadToEndAsync()
            Buffer = $buffer; Kept = 0; Json = [byte[]]::new(2 * $buffer.Length + 2); Output = [object[]]::new(1024)
            ReadTask = $readTask; Eof = $false; ResultType = $types.Result; ResultArrayType = $types.ResultArray
            JsonOptions = $types.JsonOptions; AsString = $AsString.IsPresent; Warned = [System.Collections.Generic.HashSet[string]]::new()
            MaxUnanswered = $maxUnanswered; Mask = $mask; Ends = $ends; Targets = $targets; Sent = [long]0; Answered = [long]0; Written = [long]0
            Parts = $parts; UploadId = $(if ($UploadId) { $UploadId } else { $null }); FixedParts = $fixedParts; KeyGiven = $keyGiven
            PlainHeads = $plainHeads; Stdin = $stdin; Flushed = $false
            # Masked in messages that come from the program, should one ever quote them.
            Secrets = @(foreach ($secret in $SecretKey, $SessionToken, $ServerSideEncryptionCustomerProvidedKey) { if ($secret.Length -ge 8) { $secret } })
        }
        $sent = [long]0       # lines written
        $answered = [long]0   # lines answered
        $written = [long]0    # request bytes written
        # Flushing: at once for an input that comes slowly (and for the first request), otherwise when the
        # writer's buffer (4 KiB) fills or $flushAfter ms have passed.
        $flushAfter = 10
        $lastFlush = [long]0
        $lastCall = [System.Environment]::TickCount64
        $unflushed = 0
    }

    process {
        # After a gap in the input, this request is flushed at once, and the ones held back before the gap
        # are answered now: results come as they would from a writer that flushes every line.
        # (No dot-sourcing in this function: it would make every variable access slow.)
        $now = [System.Environment]::TickCount64
        $flushNow = $now - $lastFlush -ge $flushAfter
        if ($flushNow -and $unflushed -and $now - $lastCall -ge $flushAfter) {
            try { $stdin.Flush() } catch { $batch.Sent = $sent; $batch.Written = $written; Stop-S3PreSignWriting $batch $_ }
            $unflushed = 0
            $batch.Sent = $sent; $batch.Written = $written
            Receive-S3PreSignResult $batch 3 0
            $answered = $batch.Answered; $readTask = $batch.ReadTask
        }
        $lastCall = $now

        # What -Key means: text and numbers are keys; another object gives its Key property (as
        # by-property-name binding would) or no key at all, which s3presign then reports as missing_key
        # for that item, so that the failure lands in -ErrorVariable with the object as its TargetObject.
        $keys = $Key
        if ($keys -isnot [string]) {
            if ($null -eq $keys -or $keys -is [System.Collections.IEnumerable] -or $keys -is [ValueType]) {
                # Collections and dictionaries ($x.Key would enumerate them or look the key up) and values.
                if ($null -ne $keys -and $keys -isnot [ValueType] -and $keys -isnot [array]) {
                    $keyProperty = $keys.PSObject.Properties['Key']
                    $keys = if ($keyProperty) { $keyProperty.Value } else { $null }
                }
            } else {
                # $null if it has none (strict mode is off in here). Not $keys.PSObject.Properties['Key']: that
                # is slow, above all for a freshly made object.
                $keys = $keys.Key
            }
            if ($keys -isnot [string]) {
                $keys = [string[]]$keys   # what a [string[]] parameter would have made of it
                if ($null -eq $keys -or $keys.Count -eq 0) { $keys = '' }   # no key: s3presign reports missing_key
            }
        }
        # JsonEncodedText's default encoder escapes every non-ASCII character, so a line is ASCII and its
        # length is its size in bytes. A missing bucket or key is left to s3presign to report.
        $fields = '"}'
        if ($Bucket) { $fields = '","bucket":"' + [System.Text.Json.JsonEncodedText]::Encode($Bucket).ToString() + $fields }
        if ($VersionId) { $fields = '","version_id":"' + [System.Text.Json.JsonEncodedText]::Encode($VersionId).ToString() + $fields }
        # Errors point back at what was piped in (a Get-S3Object result, a CSV row, ...), or at the key.
        $target = if ($expectingInput) { $_ } else { $null }

        if (-not $partMode) {
            foreach ($k in $keys) {
                $request = '{"key":"' + [System.Text.Json.JsonEncodedText]::Encode($k).ToString() + $fields
                $bytes = $request.Length + 1
                if ($written - $ends[$answered -band $mask] + $bytes -gt $maxUnanswered -and $answered -lt $sent) {
                    try { $stdin.Flush() } catch { $batch.Sent = $sent; $batch.Written = $written; Stop-S3PreSignWriting $batch $_ }
                    $lastFlush = $now
                    $unflushed = 0
                    $batch.Sent = $sent; $batch.Written = $written
                    Receive-S3PreSignResult $batch 1 $bytes
                    $answered = $batch.Answered; $readTask = $batch.ReadTask
                }
                try { $stdin.WriteLine($request) } catch { $batch.Sent = $sent; $batch.Written = $written; Stop-S3PreSignWriting $batch $_ }
                $sent++
                $written += $bytes
                $ends[$sent -band $mask] = $written
                $targets[$sent -band $mask] = if ($null -ne $target) { $target } else { $k }
            }
        } else {
            # An upload's pipeline: the same, with part numbers, in a function of its own. (Not inline: PowerShell
            # compiles this block while it interprets the first items, and a smaller block is ready sooner.)
            $batch.Sent = $sent; $batch.Written = $written
            Send-S3PreSignPart $batch $keys $fields $target $PartNumber
            $answered = $batch.Answered; $readTask = $batch.ReadTask; $sent = $batch.Sent; $written = $batch.Written
            if ($batch.Flushed) { $lastFlush = $now; $unflushed = 0 }
        }
        if ($flushNow) {
            try { $stdin.Flush() } catch { $batch.Sent = $sent; $batch.Written = $written; Stop-S3PreSignWriting $batch $_ }
            $lastFlush = $now
            $unflushed = 0
        } else {
            $unflushed++
        }
        if ($readTask.IsCompleted) {
            # Hands on what has arrived.
            $batch.Sent = $sent; $batch.Written = $written
            Receive-S3PreSignResult $batch 0 0
            $answered = $batch.Answered; $readTask = $batch.ReadTask
        }
    }

    end {
        # Closing stdin flushes it and tells the child that no more requests come.
        try { $stdin.Close() } catch { $PSCmdlet.WriteDebug("closing stdin: $_") }
        $batch.Sent = $sent; $batch.Written = $written
        Receive-S3PreSignResult $batch 2 0
        if (-not $proc.WaitForExit(10000)) { Stop-S3PreSignBatch $batch 'did not exit after answering every request' }
        foreach ($line in (Get-S3PreSignStderr $batch).Split([char]10)) {
            $line = $line.TrimEnd([char]13)
            if ($line.StartsWith('s3presign: warning: ')) {
                $warning = $line.Substring(20)
                if ($batch.Warned.Add($warning)) { $PSCmdlet.WriteWarning($warning) }
            } elseif ($line) { $PSCmdlet.WriteVerbose($line) }
        }
        # 0: all signed; 1: some items failed, each already reported. Anything else was not explained
        # by a result (a fatal record would already have stopped the pipeline).
        if ($proc.ExitCode -ne 0 -and $proc.ExitCode -ne 1) { Stop-S3PreSignBatch $batch 'failed' }
    }

    clean {
        # The child must not outlive the pipeline (Ctrl+C, -ErrorAction Stop, Select -First).
        if ($proc) {
            try { if (-not $proc.HasExited) { $proc.Kill($true) } }
            catch { $PSCmdlet.WriteDebug("kill: $_") }
            # Disposing flushes stdin, which fails if the child is gone with requests still buffered.
            try { $proc.Dispose() } catch { $PSCmdlet.WriteDebug("dispose: $_") }
        }
    }
}

Export-ModuleMember -Function Get-S3PreSignedURL

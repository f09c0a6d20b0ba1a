# Module benchmarks, run by bench/run.sh with the example credentials in the environment.
# Prints "name value unit" lines.
#
# -Breakdown adds what the two figures are made of (slower: the pipeline runs three times):
#   module_pipeline_gc/_alloc/_jit  GC pauses, bytes allocated and JIT compiling during the measured run
#   module_pipeline_warm            the same pipeline again, with the PowerShell engine's code compiled
#   module_pipeline_floor           what PowerShell itself costs for this pipeline: a function with
#                                   Get-S3PreSignedURL's parameters that emits one ready object per input
#   import_first_url_jit            JIT compiling during import and first URL
# PowerShell's own assemblies are compiled as they run (not ahead of time) in the pwsh this project
# uses, so a fresh session's first pipeline costs several times a warm one.
param([int] $Objects = 100000, [string] $ModulePath = (Join-Path $PSScriptRoot '..' 'module' 'S3PreSign.psd1'),
    [switch] $Breakdown)

$ErrorActionPreference = 'Stop'

# Import plus the first URL, inside an already running pwsh.
$jit = [System.Runtime.JitInfo]::GetCompilationTime()
$first = Measure-Command {
    Import-Module $ModulePath -Force
    $null = Get-S3PreSignedURL -Bucket my-bucket -Key first.txt -ExpiresIn 1h
}
$firstJit = [System.Runtime.JitInfo]::GetCompilationTime() - $jit
"import_first_url $([math]::Round($first.TotalSeconds, 3)) s"

# A pipeline of [pscustomobject]s shaped like Get-S3Object output, result objects out.
$items = foreach ($i in 0..($Objects - 1)) {
    [pscustomobject]@{ BucketName = 'my-bucket'; Key = 'data/{0:d7}/file.bin' -f $i }
}
$count = 0
$gc = [GC]::GetTotalPauseDuration(); $allocated = [GC]::GetTotalAllocatedBytes(); $jit = [System.Runtime.JitInfo]::GetCompilationTime()
$elapsed = Measure-Command {
    $items | Get-S3PreSignedURL -ExpiresIn 1h | ForEach-Object { $count++ }
}
$gc = [GC]::GetTotalPauseDuration() - $gc; $allocated = [GC]::GetTotalAllocatedBytes() - $allocated
$jit = [System.Runtime.JitInfo]::GetCompilationTime() - $jit
if ($count -ne $Objects) { throw "expected $Objects results, got $count" }
"module_pipeline $([math]::Round($elapsed.TotalMilliseconds * 1000 / $Objects, 2)) us/object"
if (-not $Breakdown) { return }

"module_pipeline_gc $([math]::Round($gc.TotalMilliseconds * 1000 / $Objects, 2)) us/object"
"module_pipeline_alloc $([math]::Round($allocated / $Objects)) B/object"
"module_pipeline_jit $([math]::Round($jit.TotalMilliseconds)) ms"

$count = 0
$warm = Measure-Command { $items | Get-S3PreSignedURL -ExpiresIn 1h | ForEach-Object { $count++ } }
if ($count -ne $Objects) { throw "expected $Objects results, got $count" }
"module_pipeline_warm $([math]::Round($warm.TotalMilliseconds * 1000 / $Objects, 2)) us/object"

# The floor, measured like the pipeline above: its first run, then (for comparison) a warm one.
$metadata = [System.Management.Automation.CommandMetadata]::new((Get-Command Get-S3PreSignedURL))
$floor = [scriptblock]::Create(
    [System.Management.Automation.ProxyCommand]::GetCmdletBindingAttribute($metadata) +
    "`nparam(" + [System.Management.Automation.ProxyCommand]::GetParamBlock($metadata) + ")`n" +
    'begin { $result = [pscustomobject]@{ PSTypeName = "S3PreSign.PresignedUrl"; Url = "u" } } process { $result }')
foreach ($run in 'floor', 'floor_warm') {
    $count = 0
    $elapsed = Measure-Command { $items | & $floor -ExpiresIn 1h | ForEach-Object { $count++ } }
    "module_pipeline_$run $([math]::Round($elapsed.TotalMilliseconds * 1000 / $Objects, 2)) us/object"
}
"import_first_url_jit $([math]::Round($firstJit.TotalMilliseconds)) ms"

# Module benchmark, side by side with the engine AWS.Tools.S3 runs on (AWSSDK.S3, as a compiled cmdlet:
# ../shared/anchors/dotnet-sdk/Import-AnchorCmdlet.ps1), in ONE pwsh run. A benchmark, not a test.
#   pwsh -NoProfile -File bench/module.ps1 [-Objects 50000] [-Rounds 3]
# Needs AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION (example keys do; nothing goes on the network)
# and S3PRESIGN_BIN or the binary on PATH. Prints "name value unit" lines, the anchor's figure and the ratio:
#   module_default_pipeline   $objects | Get-S3PreSignedURL            (goal: >= 5x the anchor's throughput)
#   module_detailed_pipeline  $objects | Get-S3PreSignedURL -Detailed  (goal: >= 3x)
#   import_first_url          Import-Module + first URL in a fresh pwsh, median of 5 (goal: <= 0.15 s)
#   module_code_lines         code lines of module/*.ps1 and *.psm1, help and comments aside (limit: 500)
# And two floors, measured the same way in the same run: what Get-S3PreSignedURL's parameter block costs
# before the module does anything (a function with that block, taken from the module's source):
#   floor_pipeline            its process block only emits the piped object
#   floor_import_first_url    a one-function module whose end block runs `s3presign url` for -BucketName/-Key
# Each pipeline runs -Rounds times, alternating with the anchor; each keeps its best.
param([int] $Objects = 50000, [int] $Rounds = 3,
    [string] $Anchor = (Join-Path $PSScriptRoot '..' '..' 'shared' 'anchors' 'dotnet-sdk' 'Import-AnchorCmdlet.ps1'))

$ErrorActionPreference = 'Stop'
$manifest = Join-Path $PSScriptRoot '..' 'module' 'S3PreSign.psd1'

# The floors' functions: Get-S3PreSignedURL's parameter block (with its attributes), read from the module's source.
$source = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $PSScriptRoot '..' 'module' 'S3PreSign.psm1'), [ref]$null, [ref]$null)
$paramAst = $source.Find({ param($a) $a -is [System.Management.Automation.Language.FunctionDefinitionAst] -and $a.Name -eq 'Get-S3PreSignedURL' }, $false).Body.ParamBlock
$paramBlock = (@($paramAst.Attributes.Extent.Text) + $paramAst.Extent.Text) -join "`n"
$binary = if ($env:S3PRESIGN_BIN) { $env:S3PRESIGN_BIN } else { (Get-Command s3presign -CommandType Application).Source }
$floorModule = Join-Path ([System.IO.Path]::GetTempPath()) "s3presign-bench-floor-$PID.psm1"
Set-Content -LiteralPath $floorModule -Value "function Get-FloorURL {`n$paramBlock`n    end { & '$binary' url `"--bucket=`$BucketName`" `"--key=`$Key`" }`n}"
. ([scriptblock]::Create("function Get-FloorPipeline {`n$paramBlock`n    process { `$InputObject }`n}"))

# Import + first URL, each in a fresh pwsh: what a scheduled job pays before its first link. The module and
# the floor alternate.
$pwsh = (Get-Command pwsh).Source
$fresh, $freshFloor = [System.Collections.Generic.List[double]]::new(), [System.Collections.Generic.List[double]]::new()
foreach ($i in 1..5) {
    $fresh.Add((& $pwsh -NoProfile -NonInteractive -Command "`$t = Measure-Command { Import-Module '$manifest'; `$null = Get-S3PreSignedURL -BucketName my-bucket -Key first.txt }; `$t.TotalSeconds"))
    $freshFloor.Add((& $pwsh -NoProfile -NonInteractive -Command "`$t = Measure-Command { Import-Module '$floorModule'; `$null = Get-FloorURL -BucketName my-bucket -Key first.txt }; `$t.TotalSeconds"))
}
Remove-Item -LiteralPath $floorModule
$importFirst, $importFirstFloor = ($fresh | Sort-Object)[2], ($freshFloor | Sort-Object)[2]

. $Anchor
Import-Module $manifest -Force
$items = foreach ($i in 0..($Objects - 1)) { [pscustomobject]@{ BucketName = 'my-bucket'; Key = 'data/{0:d7}/file.bin' -f $i } }
$expires = (Get-Date).AddHours(3)
$runs = [ordered]@{
    anchor   = { $items | Get-AnchorPreSignedURL -Expires $expires }
    default  = { $items | Get-S3PreSignedURL -Expires $expires }
    detailed = { $items | Get-S3PreSignedURL -Expires $expires -Detailed }
    floor    = { $items | Get-FloorPipeline -Expires $expires }
}
$best = @{}
foreach ($round in 1..$Rounds) {
    foreach ($name in $runs.Keys) {
        $count = 0
        $elapsed = Measure-Command { & $runs[$name] | ForEach-Object { $count++ } }
        if ($count -ne $Objects) { throw "$name gave $count results for $Objects objects" }
        $perObject = $elapsed.TotalMilliseconds * 1000 / $Objects
        if (-not $best.ContainsKey($name) -or $perObject -lt $best[$name]) { $best[$name] = $perObject }
    }
}

$lines = 0
foreach ($file in Get-ChildItem (Join-Path $PSScriptRoot '..' 'module') -Include '*.ps1', '*.psm1' -Recurse) {
    $inHelp = $false
    foreach ($line in Get-Content -LiteralPath $file.FullName) {
        if ($line -match '<#') { $inHelp = $true }
        if (-not $inHelp -and $line -notmatch '^\s*#' -and $line -notmatch '^\s*$') { $lines++ }
        if ($line -match '#>') { $inHelp = $false }
    }
}

'{0,-26} {1,8:n1} us/object' -f 'anchor_pipeline', $best.anchor
'{0,-26} {1,8:n1} us/object  {2:n1}x the anchor (goal 5x)' -f 'module_default_pipeline', $best.default, ($best.anchor / $best.default)
'{0,-26} {1,8:n1} us/object  {2:n1}x the anchor (goal 3x)' -f 'module_detailed_pipeline', $best.detailed, ($best.anchor / $best.detailed)
'{0,-26} {1,8:n3} s          median of 5 fresh pwsh ({2}; goal 0.15 s)' -f 'import_first_url', $importFirst, (($fresh | ForEach-Object { $_.ToString('0.000') }) -join ', ')
'{0,-26} {1,8:n1} us/object  the parameter block alone; 5x the anchor leaves {2:n1} us' -f 'floor_pipeline', $best.floor, ($best.anchor / 5)
'{0,-26} {1,8:n3} s          median of 5 ({2}): the parameter block and one s3presign run' -f 'floor_import_first_url', $importFirstFloor, (($freshFloor | ForEach-Object { $_.ToString('0.000') }) -join ', ')
'{0,-26} {1,8} lines      (limit 500)' -f 'module_code_lines', $lines

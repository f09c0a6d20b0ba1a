# Module benchmarks, run by bench/run.sh with the example credentials in the environment.
# Prints "name value unit" lines.
param([int] $Objects = 100000, [string] $ModulePath = (Join-Path $PSScriptRoot '..' 'module' 'S3PreSign.psd1'))

$ErrorActionPreference = 'Stop'

# Import plus the first URL, inside an already running pwsh.
$first = Measure-Command {
    Import-Module $ModulePath -Force
    $null = Get-S3PreSignedURL -Bucket my-bucket -Key first.txt -ExpiresIn 1h
}
"import_first_url $([math]::Round($first.TotalSeconds, 3)) s"

# A pipeline of [pscustomobject]s shaped like Get-S3Object output, result objects out.
$items = foreach ($i in 0..($Objects - 1)) {
    [pscustomobject]@{ BucketName = 'my-bucket'; Key = 'data/{0:d7}/file.bin' -f $i }
}
$count = 0
$elapsed = Measure-Command {
    $items | Get-S3PreSignedURL -ExpiresIn 1h | ForEach-Object { $count++ }
}
if ($count -ne $Objects) { throw "expected $Objects results, got $count" }
"module_pipeline $([math]::Round($elapsed.TotalMilliseconds * 1000 / $Objects, 2)) us/object"

<#
.SYNOPSIS
    Scheduled job: make 7-day download links for every row of a CSV and write them to another
    CSV. Rows that fail are logged and skipped; the exit code tells the scheduler what happened.

.DESCRIPTION
    The links are written to a temporary file beside OutputCsv, which replaces OutputCsv only
    when at least one row was signed: a run that fails at setup (unknown profile, no
    credentials, no s3presign program) or signs nothing leaves the previous OutputCsv as it was.
    Every problem goes to LogFile; fatal ones also to stderr.

    Exit codes: 0 every row has a link; 1 some rows failed (see LogFile); 2 nothing was signed.

.EXAMPLE
    pwsh -NoProfile -NonInteractive -File examples/nightly-links.ps1 -InputCsv examples/keys.csv -OutputCsv links.csv -ProfileName example

.NOTES
    For hundreds of thousands of rows, start pwsh with DOTNET_TieredPGO=0 in its environment (e.g.
    `env DOTNET_TieredPGO=0 pwsh ...` in a crontab): a fresh session's first large pipeline is about
    a third faster (docs/performance.md).
#>
param(
    [Parameter(Mandatory)] [string] $InputCsv,
    [Parameter(Mandatory)] [string] $OutputCsv,
    [string] $ProfileName,
    [string] $LogFile = [System.IO.Path]::ChangeExtension($OutputCsv, '.log')
)

$ErrorActionPreference = 'Stop'   # setup problems (no credentials, no binary) stop the job...

function Write-JobLog([string] $Line) {
    "$(Get-Date -AsUTC -Format o) $Line" | Add-Content -LiteralPath $LogFile
}

function Exit-NightlyJob([string] $Message) {
    # The scheduler's own log shows stderr; LogFile keeps the history.
    [Console]::Error.WriteLine("nightly-links: $Message")
    Write-JobLog "FATAL $Message"
    exit 2
}

$OutputCsv = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputCsv)
$LogFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($LogFile)
# Beside the target, so that the final move is a rename on the same volume.
$temporary = Join-Path ([System.IO.Path]::GetDirectoryName($OutputCsv)) ".$([System.IO.Path]::GetFileName($OutputCsv)).$PID.tmp"

try {
    Import-Module (Join-Path $PSScriptRoot '..' 'module' 'S3PreSign.psd1')
    $presignArgs = @{ ExpiresIn = '7d' }
    if ($ProfileName) { $presignArgs.ProfileName = $ProfileName }
    # Result objects (Bucket, Key, Url, ...) rather than bare URL strings, where the module offers both.
    if ((Get-Command Get-S3PreSignedURL).Parameters.ContainsKey('Detailed')) { $presignArgs.Detailed = $true }

    # ...while a bad row only adds an error record to $failed and the rest go on.
    Import-Csv $InputCsv |
        Get-S3PreSignedURL @presignArgs -Detailed -ErrorAction SilentlyContinue -ErrorVariable failed |
        Select-Object Bucket, Key, VersionId, Url, ExpiresAt |
        Export-Csv -LiteralPath $temporary -NoTypeInformation
} catch {
    Remove-Item -LiteralPath $temporary -Force -ErrorAction Ignore
    Exit-NightlyJob $_.Exception.Message
}

foreach ($e in $failed) {
    Write-JobLog "$($e.FullyQualifiedErrorId) $($e.Exception.Message)"
}
# A header and at least one row; with no row at all, Export-Csv may not even create the file.
$signed = (Test-Path -LiteralPath $temporary) -and @(Get-Content -LiteralPath $temporary -TotalCount 2).Count -ge 2
if (-not $signed) {
    Remove-Item -LiteralPath $temporary -Force -ErrorAction Ignore
    Exit-NightlyJob "no row of $InputCsv could be signed; $OutputCsv is unchanged"
}
try {
    Move-Item -LiteralPath $temporary -Destination $OutputCsv -Force
} catch {
    Remove-Item -LiteralPath $temporary -Force -ErrorAction Ignore
    Exit-NightlyJob "cannot replace ${OutputCsv}: $($_.Exception.Message)"
}
exit ([int]($failed.Count -gt 0))

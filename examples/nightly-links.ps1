<#
.SYNOPSIS
    Scheduled job: make 7-day download links for every row of a CSV and write them to another
    CSV. Rows that fail are logged and skipped; the exit code tells the scheduler what happened.

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
Import-Module (Join-Path $PSScriptRoot '..' 'module' 'S3PreSign.psd1')

$presignArgs = @{ ExpiresIn = '7d' }
if ($ProfileName) { $presignArgs.ProfileName = $ProfileName }

try {
    # ...while a bad row only adds an error record to $failed and the rest go on.
    Import-Csv $InputCsv |
        Get-S3PreSignedURL @presignArgs -Detailed -ErrorAction SilentlyContinue -ErrorVariable failed |
        Select-Object Bucket, Key, VersionId, Url, ExpiresAt |
        Export-Csv $OutputCsv -NoTypeInformation
} catch {
    "$(Get-Date -AsUTC -Format o) FATAL $($_.Exception.Message)" | Add-Content $LogFile
    exit 2
}

foreach ($e in $failed) {
    "$(Get-Date -AsUTC -Format o) $($e.FullyQualifiedErrorId) $($e.Exception.Message)" | Add-Content $LogFile
}
exit ([int]($failed.Count -gt 0))

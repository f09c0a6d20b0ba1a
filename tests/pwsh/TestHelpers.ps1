# Shared setup for the Pester tests, dot-sourced from each file's BeforeAll.
# Every test runs against a machine-independent AWS environment that never touches the network:
# inherited AWS_* variables are cleared, the config and credentials files are temporary ones in
# $TestDrive with AWS's documented example keys, and EC2 instance metadata lookups are disabled.

$RepoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '..' '..')).Path
$ModuleManifest = Join-Path $RepoRoot 'module' 'S3PreSign.psd1'

# The binary under test: S3PRESIGN_BIN as set by tests/pester.rs, else a local debug build.
$RealBinary = if ($env:S3PRESIGN_BIN) { $env:S3PRESIGN_BIN } else { Join-Path $RepoRoot 'target' 'debug' 's3presign' }
if (-not (Test-Path -LiteralPath $RealBinary -PathType Leaf)) {
    throw "The s3presign binary '$RealBinary' does not exist: build it (cargo build) or set S3PRESIGN_BIN."
}

# AWS's documented example credentials (docs.aws.amazon.com); nothing here is a real secret.
$ExampleKeyId = 'AKIAIOSFODNN7EXAMPLE'
$ExampleSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
$DevKeyId = 'AKIAI44QH8DHBEXAMPLE'
$DevSecret = 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'
# A valid bucket name: S3 names are 3 to 63 characters, so s3presign refuses e.g. 'b'.
$Bucket = 'examplebucket'

# The variables the tests change, saved once per file so AfterAll can put them back.
$SavedEnvironment = @{}
foreach ($item in Get-ChildItem env:) {
    if ($item.Name -like 'AWS_*' -or $item.Name -in 'S3PRESIGN_BIN', 'PATH', 'TZ') { $SavedEnvironment[$item.Name] = $item.Value }
}

function Restore-TestEnvironment {
    foreach ($item in Get-ChildItem env:) {
        if ($item.Name -like 'AWS_*' -or $item.Name -in 'S3PRESIGN_BIN', 'TZ') { Remove-Item -LiteralPath "env:$($item.Name)" }
    }
    foreach ($name in $SavedEnvironment.Keys) { Set-Item -LiteralPath "env:$name" -Value $SavedEnvironment[$name] }
}

function Write-TestFile {
    # Writes UTF-8 without BOM, LF line ends: what the AWS SDK's profile parser expects everywhere.
    param([string]$Path, [string[]]$Line)
    [System.IO.File]::WriteAllText($Path, (($Line -join "`n") + "`n"), [System.Text.UTF8Encoding]::new($false))
}

function Reset-TestAws {
    # The standard environment: profiles default (example keys, us-east-1) and dev (second example
    # keys, eu-west-1), the real binary, no other AWS_* variable. Returns the folder with the files.
    param([string]$Root = (Join-Path $TestDrive 'aws'))
    foreach ($item in Get-ChildItem env:) {
        if ($item.Name -like 'AWS_*') { Remove-Item -LiteralPath "env:$($item.Name)" }
    }
    $null = New-Item -ItemType Directory -Path $Root -Force
    Write-TestFile (Join-Path $Root 'config') @(
        '[default]', 'region = us-east-1',
        '[profile dev]', 'region = eu-west-1')
    Write-TestFile (Join-Path $Root 'credentials') @(
        '[default]', "aws_access_key_id = $ExampleKeyId", "aws_secret_access_key = $ExampleSecret",
        '[dev]', "aws_access_key_id = $DevKeyId", "aws_secret_access_key = $DevSecret")
    $env:AWS_CONFIG_FILE = Join-Path $Root 'config'
    $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $Root 'credentials'
    $env:AWS_EC2_METADATA_DISABLED = 'true'
    $env:S3PRESIGN_BIN = $RealBinary
    $Root
}

function New-TestWrapper {
    # A bash script standing in for s3presign: runs $Body (bash), with REAL set to the real binary.
    param([string]$Name, [string]$Body)
    $path = Join-Path $TestDrive $Name
    Write-TestFile $path @('#!/usr/bin/env bash', "REAL='$RealBinary'", $Body)
    & chmod +x $path
    $path
}

function Get-UrlQuery {
    # The query parameters of a URL as a hashtable (values still percent-encoded).
    param([string]$Url)
    $query = @{}
    foreach ($pair in ([uri]$Url).Query.TrimStart('?').Split('&')) {
        $name, $value = $pair.Split('=', 2)
        $query[$name] = $value
    }
    $query
}

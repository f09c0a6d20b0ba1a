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

function Get-TestServer {
    # The S3 test server that tests/pester.rs starts (S3PRESIGN_TEST_*: endpoint, keys, bucket, and ROOT,
    # the folder it stores objects in), as a hashtable: Parameters (what Get-S3PreSignedURL and
    # New-S3PreSignedPost need to sign for it), Bucket, Root, Endpoint, and SkipReason when it is not there.
    # Under CI a missing server is a failure, never a skip.
    $required = 'S3PRESIGN_TEST_ENDPOINT', 'S3PRESIGN_TEST_ACCESS_KEY', 'S3PRESIGN_TEST_SECRET_KEY', 'S3PRESIGN_TEST_BUCKET', 'S3PRESIGN_TEST_ROOT'
    $missing = @($required | Where-Object { -not [System.Environment]::GetEnvironmentVariable($_) })
    if ($missing) {
        if ($env:CI) {
            throw "CI is set but $($missing -join ', ') is not: the end-to-end tests must run in CI. " +
                'Run them through tests/pester.rs (cargo test --test pester), which starts the S3 test server.'
        }
        return @{ SkipReason = "no S3 test server (cargo test --test pester starts one and sets $($missing -join ', '))" }
    }
    @{
        SkipReason = $null
        Bucket     = $env:S3PRESIGN_TEST_BUCKET
        Root       = $env:S3PRESIGN_TEST_ROOT
        Endpoint   = $env:S3PRESIGN_TEST_ENDPOINT
        AccessKey  = $env:S3PRESIGN_TEST_ACCESS_KEY
        SecretKey  = $env:S3PRESIGN_TEST_SECRET_KEY
        # The keys reach s3presign through its environment (the module's -AccessKey/-SecretKey).
        Parameters = @{
            EndpointUrl    = $env:S3PRESIGN_TEST_ENDPOINT
            ForcePathStyle = $true
            Region         = 'us-east-1'
            AccessKey      = $env:S3PRESIGN_TEST_ACCESS_KEY
            SecretKey      = $env:S3PRESIGN_TEST_SECRET_KEY
        }
    }
}

function Get-StoredObject {
    # The bytes the test server stored for a key (s3s-fs keeps each object as a file under its root,
    # the key's slashes as folders), or $null when there is no such object.
    param([hashtable]$Server, [string]$Key)
    $path = [System.IO.Path]::Combine($Server.Root, $Server.Bucket, $Key)
    if (-not [System.IO.File]::Exists($path)) { return $null }
    , [System.IO.File]::ReadAllBytes($path)
}

function New-TestBytes {
    # $Size bytes that differ from one $Seed to another, so that parts in the wrong order, or a wrong
    # file, would show.
    param([int]$Size, [int]$Seed = 1)
    $bytes = [byte[]]::new($Size)
    [System.Random]::new($Seed).NextBytes($bytes)
    , $bytes
}

function ConvertTo-TestInstant {
    # A result's ISO 8601 UTC instant ('2026-12-07T16:17:37Z') as a UTC [datetime], for arithmetic.
    param([string]$Text)
    [System.DateTimeOffset]::Parse($Text, [cultureinfo]::InvariantCulture).UtcDateTime
}

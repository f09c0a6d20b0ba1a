@{
    RootModule           = 'S3PreSign.psm1'
    # Dot-sourced into the module's scope (before RootModule): New-S3PreSignedPost, ConvertFrom-S3PreSignedURL.
    NestedModules        = @('S3PreSign.Uploads.ps1')
    ModuleVersion        = '0.1.0'
    GUID                 = 'c32dfe08-de00-4dae-a9f5-f4bb86c9bb67'
    Author               = 's3presign contributors'
    Copyright            = '(c) s3presign contributors. Apache-2.0.'
    Description          = 'Pre-signed S3 URLs (AWS Signature Version 4) in bulk, without contacting AWS: Get-S3PreSignedURL streams a whole pipeline through one s3presign process. Parameter names follow AWS.Tools.S3.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('S3PreSign.format.ps1xml', 'S3PreSign.Uploads.format.ps1xml')
    # Explicit lists: module auto-loading and discovery stay fast, and nothing private leaks out.
    FunctionsToExport    = @('Get-S3PreSignedURL', 'New-S3PreSignedPost', 'ConvertFrom-S3PreSignedURL')
    CmdletsToExport      = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        # PowerShell Gallery metadata. The PSEdition_/platform tags say where it runs; the module
        # carries s3presign for linux-x64/arm64, osx-x64/arm64 and win-x64 in bin/<os>-<arch>/.
        PSData = @{
            Tags         = @('S3', 'AWS', 'presign', 'presigned-url', 'SigV4', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ReleaseNotes = 'First release: Get-S3PreSignedURL with AWS.Tools.S3 parameter names, New-S3PreSignedPost, ConvertFrom-S3PreSignedURL; one native s3presign process per pipeline.'
        }
    }
}

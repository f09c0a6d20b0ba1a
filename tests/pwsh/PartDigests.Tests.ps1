# One -ContentMD5 for several -PartNumber values: each part URL signs the same digest, but a part's digest is
# that of its own bytes, so at most one part can be uploaded. The URLs are still made, with one warning.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModuleManifest -Force
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'One digest for several parts' {
    BeforeEach { $null = Reset-TestAws }

    It 'warns once that at most one part can match, and signs every part' {
        $urls = @(Get-S3PreSignedURL -Bucket $Bucket -Key big.iso -Verb PUT -UploadId U1 -PartNumber 1, 2, 3 -ContentMD5 '1B2M2Y8AsgTpgAmY7PhCfg==' -WarningVariable warned 3>$null)
        $urls.Count | Should -Be 3
        $warned.Count | Should -Be 1
        "$($warned[0])" | Should -Match 'parts 1 and 2' -Because 'the warning names the parts'
        "$($warned[0])" | Should -Match 'at most one part can match'
        "$($warned[0])" | Should -Match 'same -ContentMD5 ' -Because 'warnings speak PowerShell: parameter names, not the protocol field'
        "$($warned[0])" | Should -Not -Match 'content_md5'
    }

    It 'does not warn for a single part' {
        $null = Get-S3PreSignedURL -Bucket $Bucket -Key big.iso -Verb PUT -UploadId U1 -PartNumber 1 -ContentMD5 '1B2M2Y8AsgTpgAmY7PhCfg==' -WarningVariable warned 3>$null
        $warned.Count | Should -Be 0
    }
}

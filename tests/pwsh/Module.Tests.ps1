# The module's shape: manifest, exports, syntax, help and format data. No binary needed.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $ModuleDir = Join-Path $PSScriptRoot '..' '..' 'module'
    $ManifestPath = Join-Path $ModuleDir 'S3PreSign.psd1'
    Import-Module $ManifestPath -Force
}

AfterAll {
    Restore-TestEnvironment
    Remove-Module S3PreSign -ErrorAction Ignore
}

Describe 'S3PreSign module manifest' {
    It 'passes Test-ModuleManifest' {
        $manifest = Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop
        $manifest.Name | Should -Be 'S3PreSign'
        $manifest.Version | Should -Be ([version]'0.1.0')
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.Guid | Should -Not -Be ([guid]::Empty)
        $manifest.Description | Should -Not -BeNullOrEmpty
    }

    It 'declares exactly its three functions and nothing else in the manifest' {
        $data = Import-PowerShellDataFile -Path $ManifestPath
        @($data.FunctionsToExport | Sort-Object) | Should -Be @('ConvertFrom-S3PreSignedURL', 'Get-S3PreSignedURL', 'New-S3PreSignedPost')
        @($data.CmdletsToExport).Count | Should -Be 0
        @($data.AliasesToExport).Count | Should -Be 0
        @($data.VariablesToExport).Count | Should -Be 0
        @($data.FormatsToProcess | Sort-Object) | Should -Be @('S3PreSign.format.ps1xml', 'S3PreSign.Uploads.format.ps1xml')
    }

    It 'exports exactly its three functions once imported' {
        $module = Get-Module S3PreSign
        @($module.ExportedCommands.Keys | Sort-Object) | Should -Be @('ConvertFrom-S3PreSignedURL', 'Get-S3PreSignedURL', 'New-S3PreSignedPost')
        @($module.ExportedVariables.Keys).Count | Should -Be 0
        @($module.ExportedAliases.Keys).Count | Should -Be 0
    }

    It 'uses an approved verb' {
        (Get-Command Get-S3PreSignedURL).Verb | Should -BeIn (Get-Verb).Verb
    }
}

Describe 'S3PreSign module sources' {
    It '<Name> parses without errors' -ForEach @(
        Get-ChildItem -Path (Join-Path $PSScriptRoot '..' '..' 'module') -Recurse -Include '*.ps1', '*.psm1', '*.psd1' |
            ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } }
    ) {
        $tokens = $null
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
        $errors | Should -BeNullOrEmpty
    }

    It 'keeps the module thin: at most 500 lines of code in its scripts, help and comments aside' {
        $count = 0
        foreach ($file in Get-ChildItem -Path $ModuleDir -Include '*.ps1', '*.psm1' -Recurse) {
            $inHelp = $false
            foreach ($line in Get-Content -LiteralPath $file.FullName) {
                if ($line -match '<#') { $inHelp = $true }
                if (-not $inHelp -and $line -notmatch '^\s*#' -and $line -notmatch '^\s*$') { $count++ }
                if ($line -match '#>') { $inHelp = $false }
            }
        }
        Write-Host "module code lines: $count (limit 500)"
        $count | Should -BeGreaterThan 100 -Because 'the count must see the code'
        $count | Should -BeLessOrEqual 500
    }

    It 'has no Reflection.Emit, IL or Add-Type' {
        $text = (Get-ChildItem -Path $ModuleDir -Include '*.ps1', '*.psm1' -Recurse | Get-Content -Raw) -join "`n"
        $text | Should -Not -Match 'Reflection\.Emit|ILGenerator|Add-Type'
    }

    It 'the format file is valid XML that defines the S3PreSignedUrl list, the URL last' {
        $xml = [xml](Get-Content -Raw -LiteralPath (Join-Path $ModuleDir 'S3PreSign.format.ps1xml'))
        $view = $xml.Configuration.ViewDefinitions.View
        $view.ViewSelectedBy.TypeName | Should -Be 'S3PreSignedUrl'
        $view.ListControl.ListEntries.ListEntry.ListItems.ListItem.PropertyName |
            Should -Be @('Bucket', 'Key', 'Verb', 'EffectiveExpiresAt', 'Url')
    }

    It 'loads the format data for S3PreSignedUrl' {
        Get-FormatData -TypeName 'S3PreSignedUrl' | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-S3PreSignedURL help' {
    BeforeAll {
        $help = Get-Help Get-S3PreSignedURL -Full
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Match 'pre-signed'
        ($help.Description | Out-String) | Should -Match 'AWS.Tools.S3'
    }

    It 'has at least five examples, each with a command and an explanation' {
        $examples = @((Get-Help Get-S3PreSignedURL -Examples).Examples.Example)
        $examples.Count | Should -BeGreaterOrEqual 5
        foreach ($example in $examples) {
            $example.Code | Should -Match 'S3PreSignedURL'
            ($example.Remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'shows the basic, Get-S3Object, CSV, PUT and -ErrorVariable uses' {
        $code = ((Get-Help Get-S3PreSignedURL -Examples).Examples.Example.Code) -join "`n"
        $code | Should -Match '-BucketName \S+ -Key \S+ -Expire'
        $code | Should -Match 'Get-S3Object .*\| Get-S3PreSignedURL -ExpiresIn 7d'
        $code | Should -Match 'Import-Csv .*Export-Csv'
        $code | Should -Match '-Verb PUT -ContentType'
        $code | Should -Match '-ErrorVariable'
    }

    It 'shows part URLs, the ready-to-run commands and SSE-C' {
        $examples = (Get-Help Get-S3PreSignedURL -Examples).Examples.Example
        $code = ($examples.Code) -join "`n"
        $code | Should -Match '-Verb PUT -UploadId \$id -PartNumber \(1\.\.\d+\)'
        $code | Should -Match '-Verb POST -UploadId \$id'
        $code | Should -Match '\.InvokeWebRequest\.Replace\(''LOCAL_FILE'''
        $code | Should -Match '-ServerSideEncryptionCustomerProvidedKey \$key'
        ($examples.Remarks | Out-String) | Should -Match '1\.\.40 \| Get-S3PreSignedURL' -Because 'the pipeline form of part URLs is shown too'
    }

    It 'describes the new result properties' {
        $description = $help.Description | Out-String
        foreach ($name in 'UploadId', 'PartNumber', 'Curl', 'InvokeWebRequest') { $description | Should -Match $name }
    }

    It 'documents every parameter' {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters
        $names = (Get-Command Get-S3PreSignedURL).Parameters.Keys | Where-Object { $_ -notin $common }
        foreach ($name in $names) {
            $parameter = $help.Parameters.Parameter | Where-Object Name -EQ $name
            ($parameter.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }
}

Describe 'Get-S3PreSignedURL parameters' {
    BeforeAll {
        $command = Get-Command Get-S3PreSignedURL
    }

    It 'accepts the AWS.Tools.S3 name <Alias> for -<Parameter>' -ForEach @(
        @{ Alias = 'Bucket'; Parameter = 'BucketName' }
        @{ Alias = 'Expire'; Parameter = 'Expires' }
        @{ Alias = 'Profile'; Parameter = 'ProfileName' }
        @{ Alias = 'StoredCredentials'; Parameter = 'ProfileName' }
        @{ Alias = 'AWSProfileName'; Parameter = 'ProfileName' }
        @{ Alias = 'AK'; Parameter = 'AccessKey' }
        @{ Alias = 'SK'; Parameter = 'SecretKey' }
        @{ Alias = 'SecretAccessKey'; Parameter = 'SecretKey' }
        @{ Alias = 'ST'; Parameter = 'SessionToken' }
        @{ Alias = 'RegionToCall'; Parameter = 'Region' }
        @{ Alias = 'AWSProfilesLocation'; Parameter = 'ProfileLocation' }
        @{ Alias = 'ProfilesLocation'; Parameter = 'ProfileLocation' }
        @{ Alias = 'RequestorPay'; Parameter = 'RequesterPays' }
        @{ Alias = 'ServerSideEncryption'; Parameter = 'ServerSideEncryptionMethod' }
    ) {
        $command.Parameters[$Parameter].Aliases | Should -Contain $Alias
    }

    It 'has the AWS.Tools.S3 parameter <Name>' -ForEach @(
        'Key', 'VersionId', 'Verb', 'ProfileLocation', 'AccessKey', 'SecretKey', 'SessionToken', 'Region',
        'EndpointUrl', 'UseAccelerateEndpoint', 'UseDualstackEndpoint', 'Protocol', 'ContentType', 'Credential',
        'ForcePathStyleAddressing', 'ServerSideEncryptionMethod', 'UploadId', 'PartNumber' |
            ForEach-Object { @{ Name = $_ } }
    ) {
        $command.Parameters.Keys | Should -Contain $Name
    }

    It 'binds BucketName, Key and VersionId by property name (as AWS.Tools does), and what is piped by value' {
        # An object's Region and PartNumber are read from the object itself (Contract and Multipart tests show
        # it): binding them by property name too would cost every piped object.
        $attributes = { param($name) $command.Parameters[$name].Attributes | Where-Object { $_ -is [Parameter] } }
        foreach ($name in 'BucketName', 'Key', 'VersionId') {
            (& $attributes $name).ValueFromPipelineByPropertyName | Should -Be $true -Because $name
        }
        (& $attributes 'InputObject').ValueFromPipeline | Should -Be $true
    }

    It 'takes -ForcePathStyleAddressing as a bool (AWS.Tools'' bool?) and -ForcePathStyle as a switch' {
        $command.Parameters['ForcePathStyleAddressing'].ParameterType | Should -Be ([Nullable[bool]])
        $command.Parameters['ForcePathStyle'].ParameterType | Should -Be ([switch])
    }

    It 'completes -Region and -ProfileName, and -Verb and -Protocol from their sets' {
        Write-TestFile (Join-Path $TestDrive 'config') @('[default]', 'region = us-east-1', '[profile ops-eu]', 'region = eu-west-1')
        $env:AWS_CONFIG_FILE = Join-Path $TestDrive 'config'
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $TestDrive 'none'
        $completions = TabExpansion2 -inputScript 'Get-S3PreSignedURL -ProfileName ops' -cursorColumn 34
        @($completions.CompletionMatches.CompletionText) | Should -Be @('ops-eu') -Because 'the binary lists the profiles of the config file'
        Write-TestFile (Join-Path $TestDrive 'other-credentials') @('[ops-other]', 'aws_access_key_id = AKIDEXAMPLE', 'aws_secret_access_key = example')
        $script = "Get-S3PreSignedURL -ProfileLocation '$(Join-Path $TestDrive 'other-credentials')' -ProfileName ops"
        $completions = TabExpansion2 -inputScript $script -cursorColumn $script.Length
        $completions.CompletionMatches.CompletionText | Should -Contain 'ops-other' -Because 'the profiles of -ProfileLocation''s file'
        $completions = TabExpansion2 -inputScript 'Get-S3PreSignedURL -Region eu-west-' -cursorColumn 35
        $completions.CompletionMatches.CompletionText | Should -Contain 'eu-west-1'
        $completions = TabExpansion2 -inputScript 'Get-S3PreSignedURL -Verb P' -cursorColumn 26
        @($completions.CompletionMatches.CompletionText | Sort-Object) | Should -Be @('POST', 'PUT')
        $completions = TabExpansion2 -inputScript 'Get-S3PreSignedURL -Protocol H' -cursorColumn 30
        @($completions.CompletionMatches.CompletionText) | Should -Be @('HTTP', 'HTTPS')
    }

    It 'has the AWS.Tools.S3 SSE-C parameters, with AES256 the only method' {
        foreach ($name in 'ServerSideEncryptionCustomerProvidedKey', 'ServerSideEncryptionCustomerMethod', 'ServerSideEncryptionCustomerProvidedKeyMD5') {
            $command.Parameters.Keys | Should -Contain $name
            $command.Parameters[$name].ParameterType | Should -Be ([string])
        }
        ($command.Parameters['ServerSideEncryptionCustomerMethod'].Attributes | Where-Object { $_ -is [ValidateSet] }).ValidValues | Should -Be @('AES256')
    }

    It 'restricts -Verb to GET, PUT, HEAD, DELETE and POST (which completes a multipart upload)' {
        $set = $command.Parameters['Verb'].Attributes | Where-Object { $_ -is [ValidateSet] }
        $set.ValidValues | Should -Be @('GET', 'PUT', 'HEAD', 'DELETE', 'POST')
    }

    It 'puts -ProfileName and -AccessKey in different parameter sets' {
        $command.Parameters['ProfileName'].ParameterSets.Keys | Should -Not -Contain 'AccessKey'
        $command.Parameters['AccessKey'].ParameterSets.Keys | Should -Be @('AccessKey')
    }
}

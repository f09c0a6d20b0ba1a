# The module's shape: manifest, exports, syntax, help and format data. No binary needed.

BeforeAll {
    $ModuleDir = Join-Path $PSScriptRoot '..' '..' 'module'
    $ManifestPath = Join-Path $ModuleDir 'S3PreSign.psd1'
    Import-Module $ManifestPath -Force
}

AfterAll {
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

    It 'keeps Get-S3PreSignedURL under the 300 statements beyond which PowerShell never compiles a script block' {
        # PowerShell's compiler counts the statements of every block of a function (Compiler.cs, _stmtCount);
        # above 300 the blocks are only ever interpreted, which makes every piped object slower.
        $ast = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $ModuleDir 'S3PreSign.psm1'), [ref]$null, [ref]$null)
        $function = $ast.Find({ param($a) $a -is [System.Management.Automation.Language.FunctionDefinitionAst] -and $a.Name -eq 'Get-S3PreSignedURL' }, $true)
        $blocks = $function.Body.FindAll({ param($a) $a -is [System.Management.Automation.Language.StatementBlockAst] -or $a -is [System.Management.Automation.Language.NamedBlockAst] }, $true)
        $count = 0
        foreach ($block in $blocks) {
            # Script blocks inside it ({ ... }) are compiled on their own.
            $parent = $block.Parent
            while ($parent -ne $function.Body -and $parent -isnot [System.Management.Automation.Language.ScriptBlockAst]) { $parent = $parent.Parent }
            if ($parent -eq $function.Body) { $count += $block.Statements.Count }
        }
        $count | Should -BeGreaterThan 100 -Because 'the count must see the blocks'
        $count | Should -BeLessOrEqual 300
    }

    It 'the format file is valid XML that defines the S3PreSign.PresignedUrl table' {
        $xml = [xml](Get-Content -Raw -LiteralPath (Join-Path $ModuleDir 'S3PreSign.format.ps1xml'))
        $view = $xml.Configuration.ViewDefinitions.View
        $view.ViewSelectedBy.TypeName | Should -Be 'S3PreSign.PresignedUrl'
        $view.TableControl.TableHeaders.TableColumnHeader.Label |
            Should -Be @('Bucket', 'Key', 'Verb', 'EffectiveExpiresAt (UTC)', 'Url')
    }

    It 'loads the format data for S3PreSign.PresignedUrl' {
        Get-FormatData -TypeName 'S3PreSign.PresignedUrl' | Should -Not -BeNullOrEmpty
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
        $code | Should -Match '-Bucket \S+ -Key \S+ -Expires'
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
        @{ Alias = 'BucketName'; Parameter = 'Bucket' }
        @{ Alias = 'Expire'; Parameter = 'Expires' }
        @{ Alias = 'Profile'; Parameter = 'ProfileName' }
        @{ Alias = 'StoredCredentials'; Parameter = 'ProfileName' }
        @{ Alias = 'AWSProfileName'; Parameter = 'ProfileName' }
        @{ Alias = 'ForcePathStyleAddressing'; Parameter = 'ForcePathStyle' }
    ) {
        $command.Parameters[$Parameter].Aliases | Should -Contain $Alias
    }

    It 'has the AWS.Tools.S3 parameter <Name>' -ForEach @(
        'Key', 'VersionId', 'Verb', 'ProfileLocation', 'AccessKey', 'SecretKey', 'SessionToken', 'Region',
        'EndpointUrl', 'UseAccelerateEndpoint', 'UseDualstackEndpoint', 'Protocol', 'ContentType' |
            ForEach-Object { @{ Name = $_ } }
    ) {
        $command.Parameters.Keys | Should -Contain $Name
    }

    It 'binds Bucket, Key and VersionId from the pipeline by property name, and Key by value' {
        $attributes = { param($name) $command.Parameters[$name].Attributes | Where-Object { $_ -is [Parameter] } }
        (& $attributes 'Bucket').ValueFromPipelineByPropertyName | Should -BeTrue
        (& $attributes 'Key').ValueFromPipelineByPropertyName | Should -BeTrue
        (& $attributes 'Key').ValueFromPipeline | Should -BeTrue
        (& $attributes 'VersionId').ValueFromPipelineByPropertyName | Should -BeTrue
    }

    It 'binds PartNumber from the pipeline by value (numbers) and by property name (CSV rows)' {
        $attribute = $command.Parameters['PartNumber'].Attributes | Where-Object { $_ -is [Parameter] }
        $attribute.ValueFromPipeline | Should -BeTrue
        $attribute.ValueFromPipelineByPropertyName | Should -BeTrue
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

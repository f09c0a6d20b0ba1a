# The type of Get-S3PreSignedURL -Detailed's results: one `url` record of docs/protocol.md, filled by
# System.Text.Json (no script runs per property; OnDeserialized, compiled with the class, flattens the
# headers). Loaded on the first -Detailed call, not at import.
# Instants are ISO 8601 UTC strings with Z, so that Export-Csv and ConvertTo-Json write them the same under
# every culture. NoRunspaceAffinity: ToString() may run in any runspace (ForEach-Object -Parallel).

using namespace System.Text.Json.Serialization

[NoRunspaceAffinity()]
class S3PreSignedUrl : IJsonOnDeserialized {
    [string]$Bucket
    [string]$Key
    [string]$Verb
    [string]$Url
    [JsonPropertyName('expires_at')][string]$ExpiresAt
    [JsonPropertyName('effective_expires_at')][string]$EffectiveExpiresAt
    [JsonPropertyName('credentials_expire_at')][string]$CredentialExpiresAt
    [JsonPropertyName('signed_at')][string]$SignedAt
    [JsonPropertyName('expires_in_seconds')][long]$ExpiresInSeconds
    [string]$Region
    [JsonPropertyName('version_id')][string]$VersionId
    [JsonPropertyName('content_type')][string]$ContentType
    # The signed headers the client must send. Filled from the record's object, then made "Name: value", one
    # per line, by OnDeserialized: flat for Export-Csv and ConvertTo-Json.
    [JsonPropertyName('headers')][object]$Headers
    [JsonPropertyName('upload_id')][string]$UploadId
    [JsonPropertyName('part_number')][Nullable[int]]$PartNumber
    [string]$Curl
    [JsonPropertyName('invoke_web_request')][string]$InvokeWebRequest

    [string] ToString() { return $this.Url }

    [void] OnDeserialized() {
        $this.Headers = if ($this.Headers -isnot [System.Text.Json.JsonElement] -or $this.Headers.ValueKind -ne 'Object') { '' } else { [string]::Join("`n", [string[]]@(foreach ($h in $this.Headers.EnumerateObject()) { $h.Name + ': ' + $h.Value.GetString() })) }
    }
}

[S3PreSignedUrl]

# The type of Get-S3PreSignedURL -Detailed's results. s3presign's `--output powershell` writes each result
# with exactly these property names and shapes (docs/protocol.md), so System.Text.Json fills the class
# with no script running per result. Loaded on the first -Detailed call, not at import.
# Instants are ISO 8601 UTC strings with Z, so that Export-Csv and ConvertTo-Json write them the same under
# every culture. Headers: the signed headers the client must send, "Name: value", one per line.
# NoRunspaceAffinity: ToString() may run in any runspace (ForEach-Object -Parallel).

[NoRunspaceAffinity()]
class S3PreSignedUrl {
    [string]$Bucket
    [string]$Key
    [string]$Verb
    [string]$Url
    [string]$ExpiresAt
    [string]$EffectiveExpiresAt
    [string]$CredentialExpiresAt
    [string]$SignedAt
    [long]$ExpiresInSeconds
    [string]$Region
    [string]$VersionId
    [string]$ContentType
    [string]$Headers
    [string]$UploadId
    [Nullable[int]]$PartNumber
    [string]$Curl
    [string]$InvokeWebRequest

    [string] ToString() { return $this.Url }
}

[S3PreSignedUrl]

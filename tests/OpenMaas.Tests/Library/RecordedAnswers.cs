namespace OpenMaas.Tests.Library;

/// <summary>
/// Hub answers in ModelScope's shape, as the modelscope SDK's <c>HubApi</c> and its test data read them: the envelope
/// <c>Code/Data/Message/RequestId/Success</c>; model info with <c>Revision</c> (the hub's latest tag, not the branch asked
/// for) and <c>Tasks[].Name</c>; file entries with <c>Type</c> ("blob" or "tree"), <c>IsLFS</c>, <c>Sha256</c>, a commit id
/// as per-file <c>Revision</c>, and git's own files beside the weights. <c>{SHA256}</c>/<c>{SIZE}</c> are filled in with
/// the real file's.
/// </summary>
internal static class RecordedAnswers
{
    public const string ModelInfo = """
        {"Code":200,"Data":{"Id":1188,"Name":"stories260K","ChineseName":"故事260K","Path":"karpathy","Revision":"v2.0.1",
         "Description":"A tiny Llama trained on TinyStories.","License":"MIT","Tags":["tiny","llama"],
         "Tasks":[{"Name":"text-generation","ChineseName":"文本生成"}],"Downloads":42,"Stars":3,
         "CreatedTime":1700000000,"LastUpdatedTime":1710000000,"IsPublished":1},
         "Message":"success","RequestId":"5a0c1a3e-7d8b-4b6e-9f1e-3c2d1b0a9f8e","Success":true}
        """;

    public const string FilesNull = """
        {"Code":200,"Data":{"Files":null,"LatestCommitter":null},"Message":"success","RequestId":"0f3e2d1c-0000-4000-8000-000000000001","Success":true}
        """;

    public const string FilesMissing = """
        {"Code":200,"Data":{"LatestCommitter":null},"Message":"success","RequestId":"0f3e2d1c-0000-4000-8000-000000000002","Success":true}
        """;

    public const string Files = """
        {"Code":200,"Data":{"Files":[
          {"CommitMessage":"add .gitattributes","CommittedDate":1700000000,"CommitterName":"karpathy","InCheck":false,"IsLFS":false,
           "Mode":"100644","Name":".gitattributes","Path":".gitattributes","Revision":"8d5a7b3c2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b",
           "Sha256":"","Size":1519,"Type":"blob"},
          {"CommitMessage":"add weights","CommittedDate":1700000100,"CommitterName":"karpathy","InCheck":false,"IsLFS":true,
           "Mode":"100644","Name":"stories260K.gguf","Path":"stories260K.gguf","Revision":"1c5f4b3a2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a",
           "Sha256":"{SHA256}","Size":{SIZE},"Type":"blob"},
          {"CommitMessage":"","CommittedDate":1700000200,"CommitterName":"karpathy","InCheck":false,"IsLFS":false,
           "Mode":"040000","Name":"onnx","Path":"onnx","Revision":"1c5f4b3a2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a","Sha256":"","Size":0,"Type":"tree"}
         ],"LatestCommitter":{"CommitterName":"karpathy","CommittedDate":1700000200}},
         "Message":"success","RequestId":"0f3e2d1c-0000-4000-8000-000000000003","Success":true}
        """;

    public static string FilesFor(byte[] file) =>
        Files.Replace("{SHA256}", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file)), StringComparison.Ordinal)
            .Replace("{SIZE}", file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}

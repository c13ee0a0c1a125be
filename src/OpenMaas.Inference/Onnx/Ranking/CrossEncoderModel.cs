using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;
using OpenMaas.Inference.Abstractions;

namespace OpenMaas.Inference.Onnx.Ranking;

/// <summary>A BERT-family cross-encoder (task <c>text-ranking</c>): each query–document pair is one input
/// (<see cref="PairEncoding"/>), the head's logit through a sigmoid is its score. Pairs of concurrent calls share model
/// runs through the batcher, padded to the longest pair.</summary>
internal sealed class CrossEncoderModel : OnnxModel, IRerankModel
{
    private readonly BertTokenizer _tokenizer;
    private readonly RankingConfig _ranking;
    private readonly InputBatcher<PairEncoding, RelevanceScore> _batcher;

    public CrossEncoderModel(ModelDescriptor descriptor, OnnxTaskConfig config, InferenceSession session, BertTokenizer tokenizer,
        long estimatedBytes, OnnxOptions options, TimeProvider time, Microsoft.Extensions.Logging.ILogger logger)
        : base(descriptor, config, session, estimatedBytes, time)
    {
        _tokenizer = tokenizer;
        _ranking = config.Ranking!;
        _batcher = new InputBatcher<PairEncoding, RelevanceScore>(descriptor.Id, Run, p => p.Ids.Length, options, logger);
    }

    public IReadOnlyList<int> Tokenize(string text) => _tokenizer.EncodeToIds(text, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);

    public async Task<IReadOnlyList<RelevanceScore>> ScoreAsync(IReadOnlyList<int> query, IReadOnlyList<IReadOnlyList<int>> documents, CancellationToken ct)
    {
        using var work = BeginWork();
        var pairs = new PairEncoding[documents.Count];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = PairEncoding.Create(query, documents[i], _tokenizer.ClassificationTokenId, _tokenizer.SeparatorTokenId, _ranking.MaxTokens);
        }

        return await _batcher.EnqueueAsync(pairs, ct).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _batcher.Dispose();
        base.Dispose();
    }

    /// <summary>The logistic function, the usual head of a cross-encoder trained with binary cross-entropy.</summary>
    public static float Sigmoid(float logit) => (float)(1 / (1 + Math.Exp(-logit)));

    private RelevanceScore[] Run(IReadOnlyList<PairEncoding> batch)
    {
        CountRun();
        var rows = batch.Count;
        var length = batch.Max(p => p.Ids.Length);
        var ids = new long[rows * length];
        var mask = new long[rows * length];
        var types = new long[rows * length];
        for (var r = 0; r < rows; r++)
        {
            var pair = batch[r];
            Array.Fill(ids, (long)_tokenizer.PaddingTokenId, r * length, length);
            pair.Ids.CopyTo(ids, r * length);
            pair.TypeIds.CopyTo(types, r * length);
            Array.Fill(mask, 1L, r * length, pair.Ids.Length);
        }

        long[] shape = [rows, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = _ranking.TokenTypeIds is null ? null : OrtValue.CreateTensorValueFromMemory(types, shape);
        var inputs = new Dictionary<string, OrtValue> { [_ranking.InputIds] = idsValue, [_ranking.AttentionMask] = maskValue };
        if (typesValue is not null)
        {
            inputs[_ranking.TokenTypeIds!] = typesValue;
        }

        using var runOptions = new RunOptions();
        using var outputs = Session.Run(runOptions, inputs, [_ranking.Output]);
        var logits = outputs[0].GetTensorDataAsSpan<float>();
        if (logits.Length != rows)
        {
            throw new InvalidDataException($"output '{_ranking.Output}' has {logits.Length} values for {rows} pairs; a cross-encoder gives one logit per pair.");
        }

        var scores = new RelevanceScore[rows];
        for (var r = 0; r < rows; r++)
        {
            scores[r] = new RelevanceScore(_ranking.Sigmoid ? Sigmoid(logits[r]) : logits[r], batch[r].Ids.Length);
        }

        return scores;
    }
}

using Dongming.Contracts.V1;
using Dongming.Reports;
using Google.Protobuf;
using WireFigure = Dongming.Contracts.V1.ReviewFigure;
using WireFormat = Dongming.Contracts.V1.ReviewFormat;
using WireNote = Dongming.Contracts.V1.ReviewNote;
using WireSource = Dongming.Contracts.V1.FigureSource;

namespace Dongming.Server.Services;

/// <summary>Maps the rendered review (src/Dongming.Reports) to dongming.v1.RenderReviewResponse.</summary>
public static class ReviewMappers
{
    public static Reports.ReviewFormat? ToDomain(WireFormat format) => format switch
    {
        WireFormat.Markdown => Reports.ReviewFormat.Markdown,
        WireFormat.Docx => Reports.ReviewFormat.Docx,
        _ => null,
    };

    public static RenderReviewResponse ToWire(RenderedReview review)
    {
        var response = new RenderReviewResponse { Content = ByteString.CopyFrom(review.Content), MediaType = review.MediaType };
        response.Figures.AddRange(review.Figures.Select(ToWire));
        response.Notes.AddRange(review.Notes.Select(n =>
        {
            var note = new WireNote { Number = n.Number, Reason = Snake(n.Reason.ToString()), Rule = n.Rule ?? string.Empty, Text = n.Text };
            note.Figures.AddRange(n.Figures);
            return note;
        }));
        return response;
    }

    public static WireFigure ToWire(ShownFigure f)
    {
        var figure = new WireFigure
        {
            Number = f.Number,
            Text = f.Text,
            Value = Mappers.Dec(f.Value),
            ShownValue = Mappers.Dec(f.ShownValue),
            Unit = f.Unit,
            Period = f.Period,
            Measure = Snake(f.Measure.ToString()),
            Indicator = f.Indicator ?? string.Empty,
            CaseType = f.CaseType ?? string.Empty,
            Rounding = f.Rounding,
            LowerBound = f.LowerBound,
            RoundedDown = f.RoundedDown,
            Approved = f.Approved,
            Counts = f.CountOf is { } of ? Snake(of.ToString()) : string.Empty,
        };
        figure.Batches.AddRange(f.Batches);
        figure.Statuses.AddRange(f.Statuses.Select(s => Snake(s.ToString())));
        figure.Sources.AddRange(f.Sources.Select(s => new WireSource { OrgUnitId = s.OrgUnitId, Version = s.Version }));
        figure.Failures.AddRange(f.Failures.Select(x => x.Rule));
        figure.Notes.AddRange(f.Notes);
        return figure;
    }

    /// <summary>"VillagesReporting" → "villages_reporting".</summary>
    private static string Snake(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : string.Empty) + char.ToLowerInvariant(c) : c.ToString()));
}

using System.Text;
using Dongming.Contracts.V1;
using Dongming.Domain;
using Dongming.Grains.Abstractions;
using Grpc.Core;

namespace Dongming.Server.Services;

/// <summary>dongming.v1.ReportService: the yearly work report, written by a review worker grain from the township's figures.</summary>
public sealed class ReviewGrpcService(IGrainFactory grains) : ReportService.ReportServiceBase
{
    /// <summary>Largest template accepted, in UTF-8 bytes.</summary>
    public const int MaxTemplateBytes = 256 * 1024;

    public override async Task<RenderReviewResponse> RenderReview(RenderReviewRequest request, ServerCallContext context)
    {
        var v = new Violations();
        Text.CheckOrgUnitId(v, "township_id", request.TownshipId);
        if (request.Year is < Period.MinYear or >= Period.MaxYear) v.Add("year", $"must be a year between {Period.MinYear} and {Period.MaxYear - 1}");
        var format = ReviewMappers.ToDomain(request.Format);
        if (format is null) v.Add("format", "must be REVIEW_FORMAT_MARKDOWN or REVIEW_FORMAT_DOCX");
        if (Encoding.UTF8.GetByteCount(request.Template) > MaxTemplateBytes) v.Add("template", $"must be at most {MaxTemplateBytes / 1024} KB");
        v.ThrowIfAny();
        var review = await grains.GetGrain<IReviewGrain>(0).RenderReview(request.TownshipId, request.Year, format!.Value, Mappers.Opt(request.Template), context.CancellationToken);
        return ReviewMappers.ToWire(review);
    }
}

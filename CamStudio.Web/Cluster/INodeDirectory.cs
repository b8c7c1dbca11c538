namespace CamStudio.Web.Cluster;

/// <summary>
/// Where another node answers node-to-node calls: its <c>Cluster:AdvertisedUrl</c> as registered in
/// <c>cluster_nodes</c>. The coordinator implements it from the node rows it reads with the leases, so a camera's owner
/// (<c>ICameraOwnership.OwnerOf</c>) and its URL come from the same read.
/// </summary>
public interface INodeDirectory
{
    /// <summary>The node's advertised URL, or null when no row of that name has been read (or its URL is unusable).</summary>
    Uri? AdvertisedUrl(string nodeName);
}

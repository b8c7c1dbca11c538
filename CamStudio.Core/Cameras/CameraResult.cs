namespace CamStudio.Core.Cameras;

/// <summary>The outcome of a create or update; switch on the concrete type.</summary>
public abstract record CameraResult;

/// <summary>The camera was stored (created or updated).</summary>
public sealed record CameraSaved(CameraResponse Camera) : CameraResult;

/// <summary>No camera has the given id.</summary>
public sealed record CameraNotFound(int CameraId) : CameraResult;

/// <summary>The request breaks a rule; <see cref="Errors"/> is keyed by <see cref="CameraFields"/>.</summary>
public sealed record CameraInvalid(IReadOnlyDictionary<string, string[]> Errors) : CameraResult;

/// <summary>Why a write was refused with a conflict.</summary>
public enum CameraConflictReason
{
    /// <summary>Another camera has the same name, ignoring case and spacing.</summary>
    DuplicateName,

    /// <summary>The camera changed after the client read it (its version moved on).</summary>
    Concurrency,
}

/// <summary>The write conflicts with the stored state; <see cref="CurrentVersion"/> is set for concurrency conflicts.</summary>
public sealed record CameraConflict(CameraConflictReason Reason, int? CurrentVersion = null) : CameraResult;

namespace CamStudio.Core.Cameras;

/// <summary>The camera configuration store. Every call uses its own short-lived database context.</summary>
public interface ICameraStore
{
    /// <summary>All cameras ordered by id.</summary>
    Task<IReadOnlyList<CameraResponse>> ListAsync(CancellationToken cancellationToken);

    Task<CameraResponse?> GetAsync(int cameraId, CancellationToken cancellationToken);

    /// <summary>Validates and stores a new camera: <see cref="CameraSaved"/>, <see cref="CameraInvalid"/> or a duplicate-name <see cref="CameraConflict"/>.</summary>
    Task<CameraResult> CreateAsync(CameraCreateRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a partial update. When <see cref="CameraUpdate.Version"/> is set and differs from the stored version the
    /// result is a concurrency <see cref="CameraConflict"/>; a concurrent writer between read and save is caught too.
    /// </summary>
    Task<CameraResult> UpdateAsync(int cameraId, CameraUpdate update, CancellationToken cancellationToken);

    /// <summary>Deletes a camera; false when it did not exist.</summary>
    Task<bool> DeleteAsync(int cameraId, CancellationToken cancellationToken);

    /// <summary>The connection details with the decrypted password, for the streams layer only.</summary>
    Task<CameraStreamSource?> GetStreamSourceAsync(int cameraId, CancellationToken cancellationToken);
}

// The ONE place where the harness talks HTTP to CamStudio. Authentication is arriving (Bearer tokens for the REST
// API, WHEP and the legacy WebSocket): every request goes through request(), which adds the Authorization header
// when the client has a token, and headers() gives the same header to WebSocket clients and browsers.

export class ApiError extends Error {
  constructor(method, path, status, body) {
    super(`${method} ${path} -> ${status}: ${String(body).slice(0, 300)}`);
    this.status = status;
  }
}

/**
 * @param {string} baseUrl e.g. http://127.0.0.1:5123
 * @param {{ token?: string }} [options]
 */
export function createApiClient(baseUrl, { token } = {}) {
  const client = {
    baseUrl,
    token,
    /** Headers every request to CamStudio carries (also for WebSocket clients and browser contexts). */
    headers() {
      return client.token ? { Authorization: `Bearer ${client.token}` } : {};
    },
    /**
     * @param {string} method
     * @param {string} path
     * @param {{ json?: unknown, body?: string, contentType?: string, expect?: number[], timeoutMs?: number }} [options]
     * @returns {Promise<{ status: number, headers: Headers, text: string, json: any }>}
     */
    async request(method, path, { json, body, contentType, expect = [200, 201, 204], timeoutMs = 30000 } = {}) {
      const headers = { ...client.headers() };
      if (json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
      else if (contentType) headers['Content-Type'] = contentType;
      const response = await fetch(new URL(path, baseUrl), { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
      const text = await response.text();
      if (!expect.includes(response.status)) throw new ApiError(method, path, response.status, text);
      let parsed = null;
      if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
      return { status: response.status, headers: response.headers, text, json: parsed };
    },
  };
  return client;
}

/** Creates a camera for an RTSP test camera (see camera.mjs) and returns CamStudio's camera_id. */
export async function createCamera(api, camera, { quality = 'stream1', name = `bench ${camera.name}` } = {}) {
  const { json } = await api.request('POST', '/api/cameras/create', {
    json: {
      name, source: 'rtsp', ip_address: camera.host, rtsp_port: camera.port, brand: 'custom',
      hd_path: 'stream1', sd_path: 'stream2', username: camera.user, password: camera.password, stream_quality: quality,
      description: `benchmark camera ${camera.width}x${camera.height} ${camera.fps} fps ${camera.bitrateKbps} kbit/s`,
    },
    expect: [201],
  });
  return json.camera_id;
}

export async function cameraStatus(api, cameraId) {
  return (await api.request('GET', `/api/cameras/${cameraId}/status`)).json;
}

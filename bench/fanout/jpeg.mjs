export async function runJpegFanout() { throw new Error('not implemented yet'); }

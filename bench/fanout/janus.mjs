export async function runJanusFanout() { throw new Error('not implemented yet'); }

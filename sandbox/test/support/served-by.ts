/** Who answers `n` requests in a row to a stack's URL (`GET /` says), or the status of those that fail. */
export async function servedBy(url: string, n: number): Promise<Record<string, number>> {
  const by: Record<string, number> = {};
  for (let i = 0; i < n; i += 1) {
    const response = await fetch(url);
    const body = (await response.json().catch(() => ({}))) as { compute?: string };
    const key = response.ok ? (body.compute ?? 'unknown') : String(response.status);
    by[key] = (by[key] ?? 0) + 1;
  }
  return by;
}

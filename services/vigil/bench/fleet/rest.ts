/** The platform's REST API (contract §4) as the benchmark uses it: JSON in, JSON out, errors thrown. */
export function restClient(baseUrl: string) {
  async function call<T>(method: string, path: string, token?: string, body?: unknown): Promise<T> {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(token && { authorization: `Bearer ${token}` }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    call,
    async login(username: string, password: string): Promise<string> {
      return (await call<{ token: string }>('POST', '/api/auth/login', undefined, { username, password })).token;
    },
  };
}

export type RestClient = ReturnType<typeof restClient>;

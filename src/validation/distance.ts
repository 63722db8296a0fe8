/** Levenshtein distance between two strings, for "did you mean" messages. */
export function editDistance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
    }
    return d[a.length][b.length];
}

/** The candidate closest to a word (ties: the first listed). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    return [...candidates].sort((x, y) => editDistance(word, x) - editDistance(word, y))[0];
}

/** A small SQL lexer: enough to split statements, find ORDER BY, schema names and n-grams. */

export interface Token {
  /** word: keyword or bare identifier; ident: quoted identifier; string; number; punct (operators, ; , ( ) .). */
  type: "word" | "ident" | "string" | "number" | "punct";
  text: string;
}

/** Tokens of SQL text; comments and whitespace are dropped. Unterminated quotes run to the end. */
export function tokenizeSql(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      let j = i + 1;
      let text = "";
      while (j < n) {
        if (sql[j] === close) {
          if (close !== "]" && sql[j + 1] === close) {
            text += close;
            j += 2;
            continue;
          }
          break;
        }
        text += sql[j++];
      }
      out.push({ type: c === "'" ? "string" : "ident", text });
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(sql[i + 1] ?? ""))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|^0[xX][0-9a-fA-F]+/.exec(sql.slice(i, i + 64))!;
      out.push({ type: "number", text: m[0] });
      i += m[0].length;
    } else if (/[\p{L}_$]/u.test(c)) {
      const m = /^[\p{L}\p{N}_$]+/u.exec(sql.slice(i, i + 256))!;
      out.push({ type: "word", text: m[0] });
      i += m[0].length;
    } else {
      const two = sql.slice(i, i + 2);
      const op = ["<=", ">=", "<>", "!=", "==", "||", "<<", ">>"].includes(two) ? two : c;
      out.push({ type: "punct", text: op });
      i += op.length;
    }
  }
  return out;
}

/** Split tokens into statements at top-level semicolons; empty statements are dropped. */
export function statements(tokens: readonly Token[]): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  for (const t of tokens) {
    if (t.type === "punct" && t.text === ";") {
      if (cur.length > 0) out.push(cur);
      cur = [];
    } else cur.push(t);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

const isWord = (t: Token, w: string) => t.type === "word" && t.text.toLowerCase() === w;

/** Whether the statement's outermost query ends with ORDER BY (not one inside parentheses). */
export function hasTopLevelOrderBy(tokens: readonly Token[]): boolean {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === "punct" && t.text === "(") depth++;
    else if (t.type === "punct" && t.text === ")") depth--;
    else if (depth === 0 && isWord(t, "order") && tokens[i + 1] && isWord(tokens[i + 1], "by")) return true;
  }
  return false;
}

/** A token as compared across queries: keywords and identifiers case-folded, strings quoted. */
export function tokenKey(t: Token): string {
  if (t.type === "string") return `'${t.text}'`;
  return t.type === "word" || t.type === "ident" ? t.text.toLowerCase() : t.text;
}

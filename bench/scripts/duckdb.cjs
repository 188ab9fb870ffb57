// The DuckDB anti-join: numbers cleaned up with one regexp (digits only,
// optional 0033/33, optional 0, then 9 digits), prospects kept when they have
// a number and none is in the list. Runs with @duckdb/node-api.
// usage: node duckdb.cjs bloctel.txt prospects.csv clean.csv
// NODE_PATH points at the node_modules holding @duckdb/node-api.
const { DuckDBInstance } = require('@duckdb/node-api');

async function main() {
  const [reg, input, out] = process.argv.slice(2);
  const q = (s) => "'" + s.replaceAll("'", "''") + "'";
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`CREATE MACRO norm(s) AS
    nullif(regexp_extract(regexp_replace(s, '[^0-9]', '', 'g'), '^(?:0033|33)?0?([1-9][0-9]{8})$', 1), '')`);
  await conn.run(`CREATE TABLE dnc AS
    SELECT DISTINCT norm(n) AS k FROM read_csv(${q(reg)}, header = false, columns = {'n': 'VARCHAR'})
    WHERE norm(n) IS NOT NULL`);
  const res = await conn.runAndReadAll(`COPY (
    WITH p AS (
      SELECT *, norm("Tél. fixe") AS f, norm("Portable") AS m
      FROM read_csv(${q(input)}, delim = ';', header = true, all_varchar = true))
    SELECT * EXCLUDE (f, m) FROM p
    WHERE (f IS NOT NULL OR m IS NOT NULL)
      AND (f IS NULL OR f NOT IN (SELECT k FROM dnc))
      AND (m IS NULL OR m NOT IN (SELECT k FROM dnc))
  ) TO ${q(out)} (DELIMITER ';', HEADER true)`);
  console.log(String(res.getRows()[0][0]));
}

main().catch((e) => { console.error(e.message); process.exit(1); });

namespace MoSiC.Stream.Eval.Segmentation;

/// <summary>
/// Minimum-cost assignment of rows to columns of a rectangular cost matrix (Hungarian method with potentials,
/// O(n²·m) for n rows ≤ m columns; a wider-than-tall matrix is solved transposed).
/// </summary>
/// <remarks>
/// A small in-house solver rather than Google.OrTools' LinearSumAssignment: the matrices here are tiny (clusters ×
/// ground-truth ids, a few dozen at most), OrTools would add a ~100 MB native dependency to every build and test run
/// for one call, and its solver takes integer costs only, so IoU would have to be scaled and rounded, which can change
/// the optimum between near-ties. This one works on doubles directly and is covered by brute-force comparison tests.
/// </remarks>
public static class HungarianAssignment
{
    /// <summary>
    /// Solves the assignment: returns, for each row, the column assigned to it, or -1 for a row left unassigned
    /// (only when there are more rows than columns). Every column is used at most once and the total cost of the
    /// assigned cells is minimal among all assignments of min(rows, columns) pairs.
    /// </summary>
    public static int[] Minimise(double[,] cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        int rows = cost.GetLength(0), cols = cost.GetLength(1);
        if (rows == 0 || cols == 0) return Enumerable.Repeat(-1, rows).ToArray();
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if (!double.IsFinite(cost[i, j]))
                    throw new ArgumentException($"cost[{i},{j}] is not finite ({cost[i, j]}).", nameof(cost));

        if (rows <= cols) return SolveTall(cost, rows, cols, transposed: false);

        // More rows than columns: solve the transpose (columns assigned to rows), then invert.
        int[] colToRow = SolveTall(cost, cols, rows, transposed: true);
        var result = Enumerable.Repeat(-1, rows).ToArray();
        for (int j = 0; j < cols; j++) result[colToRow[j]] = j;
        return result;
    }

    /// <summary>Maximises the total score instead (e.g. IoU); same contract as <see cref="Minimise"/>.</summary>
    public static int[] Maximise(double[,] score)
    {
        ArgumentNullException.ThrowIfNull(score);
        int rows = score.GetLength(0), cols = score.GetLength(1);
        var cost = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                cost[i, j] = -score[i, j];
        return Minimise(cost);
    }

    // n ≤ m. a(i, j) reads cost[i, j], or cost[j, i] when transposed. Classic potentials formulation
    // (1-based internally, column 0 is the virtual start).
    private static int[] SolveTall(double[,] cost, int n, int m, bool transposed)
    {
        double A(int i, int j) => transposed ? cost[j, i] : cost[i, j];
        var u = new double[n + 1];
        var v = new double[m + 1];
        var p = new int[m + 1];   // p[j]: row matched to column j (1-based), 0 for none
        var way = new int[m + 1];
        var minv = new double[m + 1];
        var used = new bool[m + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            Array.Fill(minv, double.PositiveInfinity);
            Array.Fill(used, false);
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    double cur = A(i0 - 1, j - 1) - u[i0] - v[j];
                    if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (int j = 0; j <= m; j++)
                {
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (p[j0] != 0);
            do
            {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var rowToCol = Enumerable.Repeat(-1, n).ToArray();
        for (int j = 1; j <= m; j++)
            if (p[j] != 0) rowToCol[p[j] - 1] = j - 1;
        return rowToCol;
    }
}

package io.hattn.tornado;

import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.WorkerGrid;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.WorkerGrid3D;

/**
 * The grids of one TaskGraph, sized from {@link WorkGroups}: each local size is clamped to its grid and the grid
 * rounded up to a multiple of it (kernels guard the excess). The head dimension has local size 1, so the number
 * of heads of a chunk can change between executions without recompiling.
 */
final class Grids {

    private final String graph;
    private final WorkGroups groups;
    private final GridScheduler scheduler = new GridScheduler();
    private final List<WorkerGrid> headGrids = new ArrayList<>();
    private final List<Integer> headDimension = new ArrayList<>();

    Grids(String graph, WorkGroups groups) {
        this.graph = graph;
        this.groups = groups;
    }

    /** x = slot or feature chunk, y = token, z = head. */
    void volume(String task, int x, int y, int heads) {
        int localX = Math.min(groups.localX(), x);
        int localY = Math.min(groups.localY(), y);
        WorkerGrid grid = new WorkerGrid3D(roundUp(x, localX), roundUp(y, localY), heads);
        grid.setLocalWork(localX, localY, 1);
        add(task, grid, 2);
    }

    /** x = token, y = head. */
    void rows(String task, int rows, int heads) {
        int local = Math.min(groups.localRows(), rows);
        WorkerGrid grid = new WorkerGrid2D(roundUp(rows, local), heads);
        grid.setLocalWork(local, 1, 1);
        add(task, grid, 1);
    }

    /** Sets the head dimension of every grid for the next execution. */
    void heads(int heads) {
        for (int i = 0; i < headGrids.size(); i++) {
            WorkerGrid grid = headGrids.get(i);
            long[] global = grid.getGlobalWork();
            if (headDimension.get(i) == 2) {
                grid.setGlobalWork(global[0], global[1], heads);
            } else {
                grid.setGlobalWork(global[0], heads, 1);
            }
        }
    }

    GridScheduler scheduler() {
        return scheduler;
    }

    private void add(String task, WorkerGrid grid, int dimension) {
        scheduler.addWorkerGrid(graph + "." + task, grid);
        headGrids.add(grid);
        headDimension.add(dimension);
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }
}

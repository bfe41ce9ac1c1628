import { UnitOfWork } from '../common/unit-of-work';
import { ChangeEvent, ChangeListener, ChangeNotifier } from '../events/change-notifier';
import { MockOf } from './repository-mocks';

/** Runs the work at once: a unit test has no transaction to roll back. */
export function passThroughUnitOfWork(): UnitOfWork {
  return { transaction: (work) => work() };
}

/** Records what is published; subscribers never hear anything. */
export function changeNotifierMock(): MockOf<ChangeNotifier> {
  return {
    publish: jest.fn<Promise<void>, [ChangeEvent]>().mockResolvedValue(undefined),
    subscribe: jest.fn<() => void, [ChangeListener]>().mockReturnValue(() => undefined),
    isDelivering: jest.fn<boolean, []>().mockReturnValue(true),
  };
}

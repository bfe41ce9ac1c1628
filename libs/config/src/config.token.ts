import { Inject } from '@nestjs/common';

export const GATEHOUSE_CONFIG = Symbol('GATEHOUSE_CONFIG');
export const InjectConfig = (): ParameterDecorator => Inject(GATEHOUSE_CONFIG);
